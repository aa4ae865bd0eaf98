"""Every exception troly raises on purpose.

    TrolyError                      root; ``user_message`` is one polite Vietnamese sentence
    ├── IngestError                 a file could not be turned into passages
    │   ├── UnsupportedFormatError  extension or content type troly does not read
    │   ├── FileTooLargeError       over ``TROLY_MAX_FILE_MB``
    │   ├── EmptyDocumentError      no text at all (after OCR, where it applies)
    │   ├── CorruptFileError        the parser could not open it
    │   ├── EncryptedFileError      password-protected PDF / DOCX
    │   └── MissingToolError        a system tool (tesseract, antiword) is not installed
    ├── IndexError_                 the vector or lexical index misbehaved
    ├── EmbeddingBackendError       the embedding model could not be loaded
    ├── StorageError                database problems
    │   └── BackupError             a backup could not be written or read
    │       └── RestoreRefused      the restore target already holds data (no ``--force``)
    ├── PollerBusyError             another process already long-polls this bot
    └── UserInputError              bad input from a chat user or the CLI

Logs get ``str(exc)`` (English); users get ``exc.user_message`` (Vietnamese).
"""

from __future__ import annotations

__all__ = [
    "BackupError",
    "CorruptFileError",
    "EmbeddingBackendError",
    "EmptyDocumentError",
    "EncryptedFileError",
    "FileTooLargeError",
    "IndexError_",
    "IngestError",
    "MissingToolError",
    "PollerBusyError",
    "RestoreRefused",
    "StorageError",
    "TrolyError",
    "UnsupportedFormatError",
    "UserInputError",
]


class TrolyError(Exception):
    """Root of troly's errors: an English message for logs and a Vietnamese one for users."""

    user_message: str = "Đã có lỗi xảy ra, vui lòng thử lại sau."

    def __init__(self, message: str, *, user_message: str | None = None) -> None:
        super().__init__(message)
        if user_message is not None:
            self.user_message = user_message


class IngestError(TrolyError):
    """A file could not be turned into passages."""

    user_message = "Không đọc được tệp này."


class UnsupportedFormatError(IngestError):
    """The file type is not one troly reads."""

    user_message = "Định dạng tệp chưa được hỗ trợ (chấp nhận PDF, DOCX, DOC, TXT, MD, HTML, ảnh)."


class FileTooLargeError(IngestError):
    """The file exceeds the configured size cap."""

    user_message = "Tệp quá lớn, vui lòng gửi tệp nhỏ hơn."


class EmptyDocumentError(IngestError):
    """No text could be extracted."""

    user_message = "Tệp không có nội dung văn bản đọc được."


class CorruptFileError(IngestError):
    """The parser could not open the file."""

    user_message = "Tệp bị hỏng hoặc không đúng định dạng, vui lòng kiểm tra lại."


class EncryptedFileError(IngestError):
    """The file is password-protected."""

    user_message = "Tệp được đặt mật khẩu, vui lòng gửi bản không có mật khẩu."


class MissingToolError(IngestError):
    """A system tool needed for this format is not installed."""

    user_message = "Máy chủ thiếu công cụ để đọc loại tệp này, vui lòng báo quản trị viên."


class IndexError_(TrolyError):
    """The vector or lexical index misbehaved (named with a trailing underscore to keep the builtin)."""

    user_message = "Chỉ mục tài liệu đang gặp sự cố, vui lòng thử lại sau."


class EmbeddingBackendError(TrolyError):
    """The embedding model could not be loaded or run."""

    user_message = "Không tải được mô hình tìm kiếm, vui lòng báo quản trị viên."


class StorageError(TrolyError):
    """The database failed."""

    user_message = "Cơ sở dữ liệu đang gặp sự cố, vui lòng thử lại sau."


class BackupError(StorageError):
    """A backup could not be written, or a folder or archive is not a troly backup."""

    user_message = "Không sao lưu hoặc khôi phục được dữ liệu; xem chi tiết lỗi bên dưới."


class RestoreRefused(BackupError):
    """The restore target (database or TROLY_HOME) already holds data and ``--force`` was not given."""

    user_message = (
        "Nơi khôi phục đã có dữ liệu nên không ghi đè. Dùng --force để xóa dữ liệu hiện có rồi khôi phục. "
        "(The target already holds data; use --force to replace it.)"
    )


class PollerBusyError(TrolyError):
    """Another process holds this bot's polling lease: a platform serves one long poller per bot."""

    user_message = (
        "Bot này đang được một tiến trình troly khác nhận tin (long polling). Hãy dừng tiến trình đó, "
        "hoặc cấu hình webhook để chạy nhiều worker."
    )


class UserInputError(TrolyError):
    """Input from a user that troly cannot accept; the message says what to do instead."""
