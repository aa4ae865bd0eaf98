"""The verbs that carry a directive in Vietnamese administrative text ("Sở X chủ trì …", "- Tập trung …").

Shared by the assignment walker (:mod:`ingest.tasks`) and the reading of people and teams
(:mod:`ingest.people`): a phrase that opens with one of them is a duty, not a name.
"""

from __future__ import annotations

import re

__all__ = ["DIRECTIVE_VERBS", "VERB_START"]

# Directive verbs that start a predicate ("Sở X <verb> …") or an imperative bullet ("- Tập trung …").
DIRECTIVE_VERBS = (
    "chủ trì|phối hợp|chịu trách nhiệm|có trách nhiệm|tổ chức|triển khai|thực hiện|tham mưu|cần|phải|tiếp tục|"
    "tập trung|chủ động|khẩn trương|rà soát|xây dựng|đẩy mạnh|đẩy nhanh|tăng cường|theo dõi|hướng dẫn|đôn đốc|"
    "nghiên cứu|sớm|kịp thời|nghiêm túc|quán triệt|báo cáo|tổng hợp|đề xuất|kiểm tra|bố trí|hoàn thành|hoàn thiện|"
    "nâng cao|ban hành|cập nhật|quan tâm|huy động|thường xuyên|khắc phục|bảo đảm|đảm bảo|xác định|phát huy|"
    "lãnh đạo|chỉ đạo|giám sát|hỗ trợ|cung cấp|thống nhất|phổ biến|tuyên truyền|phấn đấu|duy trì|ưu tiên|"
    "đóng vai trò|làm đầu mối|là cơ quan|là đầu mối|được giao|kiên quyết|chấn chỉnh|ứng dụng|vận hành|số hóa|"
    "chuẩn bị|trình|gửi|thẩm định|đánh giá|tìm kiếm|giới thiệu|phát động|mở rộng|thúc đẩy|tích cực|"
    "nghiêm|khảo sát|kết nối|tiếp nhận|giải quyết|xử lý|tiến hành|lập|rà|đẩy|nắm|bám sát|điều chỉnh|"
    "bổ sung|sửa đổi|hoàn tất|tuân thủ|tạo|phát triển|đầu tư|áp dụng|quản lý|kiện toàn|sắp xếp|"
    "chuyển|thu hút|củng cố|vận động|theo chức năng"
)
VERB_START = re.compile(rf"^(?:{DIRECTIVE_VERBS})\b", re.IGNORECASE)
