"""The gold evals (troly.evals, ``troly eval metadata | tasks | answers``) on tiny documents made
here: a right and a wrong case of each rule, through the real pipeline and conversation core."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.core.messages import Citation, Reply
from tests.docfactory import make_docx
from troly.evals.answers import evaluate_answers, judge, load_answer_cases
from troly.evals.assignments import due_agrees, evaluate_assignments, is_assignment_gold
from troly.evals.corpus import load_manifests, resolve_documents, select_documents
from troly.evals.metadata import evaluate_metadata, normalise
from troly.models import ConversationRow

NOTICE = """ỦY BAN NHÂN DÂN
TỈNH GIA LAI
Số: 912/TB-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Gia Lai, ngày 14 tháng 11 năm 2026
THÔNG BÁO
Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số
Ngày 10/11/2026, Phó Chủ tịch UBND tỉnh chủ trì cuộc họp về chuyển đổi số. Phó Chủ tịch UBND tỉnh kết luận như sau:
1. Giao Sở Tư pháp chủ trì số hóa dữ liệu hộ tịch lịch sử, hoàn thành trước ngày 31/12/2026.
2. Giao Sở Nội vụ tổng hợp ý kiến góp ý, gửi Bộ Nội vụ trước ngày 10/12/2026.
3. Tỉnh đoàn chịu trách nhiệm tổ chức cuộc thi ý tưởng khởi nghiệp trong năm 2027.
Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.
Nơi nhận:
- Sở Tư pháp;
- Sở Nội vụ;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Đỗ Minh Khang
"""


def _jsonl(path: Path, items: list[dict]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A corpus root with a text notice and a DOCX notice (174/TB-UBND, no signature), and a
    manifest placing them (``n3`` is the notice again, as a heldout document)."""
    root = tmp_path / "files"
    (root / "t").mkdir(parents=True)
    (root / "t" / "notice.txt").write_text(NOTICE, encoding="utf-8")
    make_docx(root / "t" / "decision.docx")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "manifest-t.tsv").write_text(
        "id\tfile\tformat\tsplit\nn1\tt/notice.txt\ttxt\tdev\nn2\tt/decision.docx\tdocx\tdev\n"
        "n3\tt/notice.txt\ttxt\theldout\nn5\tt/missing.pdf\tpdf-scan\tdev\n",
        encoding="utf-8",
    )
    return tmp_path


def test_normalisers_fold_what_the_rules_say_and_nothing_else() -> None:
    assert normalise("type", "THONG BAO") == normalise("type", "Thông báo")
    assert normalise("number", " 912 / tb-ubnd") == normalise("number", "912/TB-UBND")
    assert normalise("number", "12/QĐ-UBND") != normalise("number", "12/QD-UBND")  # Đ and D stay apart
    assert normalise("issuer", "Ủy ban nhân dân  tỉnh Gia Lai") == normalise("issuer", "UBND tỉnh Gia Lai")
    assert normalise("issuer", "UBND tỉnh Gia Lai") != normalise("issuer", "UBND tỉnh Quảng Ngãi")
    assert normalise("signer", "") is None


def test_manifest_paths_and_scan_label(corpus: Path) -> None:
    docs = load_manifests([corpus / "gold" / "manifest-t.tsv"], root=corpus / "files")
    assert docs["n1"].path == corpus / "files" / "t" / "notice.txt" and not docs["n1"].is_scan
    assert docs["n5"].is_scan
    with pytest.raises(Exception, match="--root"):
        load_manifests([corpus / "gold" / "manifest-t.tsv"], root=None)


def test_eval_metadata_scores_each_field_and_keeps_heldout_unlisted(ctx, corpus: Path) -> None:
    gold = _jsonl(
        corpus / "gold" / "gold-metadata-t.jsonl",
        [
            # Right on every field, in other spellings the rules fold.
            {"id": "n1", "split": "dev", "type": "THONG BAO", "number": "912/tb-ubnd", "date": "2026-11-14",
             "issuer": "Ủy ban nhân dân tỉnh Gia Lai", "signer": "Đỗ Minh Khang", "handwritten": []},
            # The DOCX has no signature: a gold signer is a miss; the date is handwritten (counted apart).
            {"id": "n2", "split": "dev", "type": "Thông báo", "number": "174/TB-UBND", "date": "2025-07-05",
             "issuer": "UBND tỉnh Gia Lai", "signer": "Nguyễn Văn An", "handwritten": ["date"]},
            {"id": "n3", "split": "heldout", "type": "Thông báo", "number": "913/TB-UBND", "date": "2026-11-14",
             "issuer": "UBND tỉnh Gia Lai", "signer": "Đỗ Minh Khang", "handwritten": []},
            {"id": "n4", "split": "dev", "type": "Thông báo", "number": None, "date": None, "issuer": None,
             "signer": None, "handwritten": []},  # no manifest entry
            {"id": "n5", "split": "dev", "type": "Thông báo", "number": None, "date": None, "issuer": None,
             "signer": None, "handwritten": []},  # file absent
        ],
    )  # fmt: skip
    docs = resolve_documents([gold], None, corpus / "files")
    report = evaluate_metadata(ctx, [gold], docs)
    dev = {f: report.score(f, "dev", "text") for f in ("type", "number", "date", "issuer", "signer")}
    assert {f: (s.right, s.n) for f, s in dev.items()} == {
        "type": (2, 2),
        "number": (2, 2),
        "date": (1, 1),
        "issuer": (2, 2),
        "signer": (1, 2),
    }
    assert (dev["date"].handwritten_right, dev["date"].handwritten_n) == (1, 1)
    assert report.score("signer", "dev", "scan").n == 0
    held = report.score("number", "heldout", "text")
    assert (held.right, held.n) == (0, 1)
    assert [(m.id, m.field, m.gold, m.got) for m in report.dev_mismatches] == [("n2", "signer", "Nguyễn Văn An", None)]
    assert sorted(report.unavailable["dev"]) == ["n4", "n5"]
    assert report.documents == {("dev", "text"): 2, ("heldout", "text"): 1}


def test_eval_metadata_on_a_subset_of_formats_or_ids(ctx, corpus: Path) -> None:
    """--formats / --only: documents left out are in no count (not even "without a file")."""
    gold = _jsonl(
        corpus / "gold" / "gold-metadata-t.jsonl",
        [
            {"id": i, "split": "dev", "type": "Thông báo", "number": None, "date": None, "issuer": None,
             "signer": None, "handwritten": []}
            for i in ("n1", "n2", "n5")
        ],
    )  # fmt: skip
    docs = resolve_documents([gold], None, corpus / "files")
    docx_only = select_documents(docs, formats=["docx"])
    assert set(docx_only) == {"n2"}
    report = evaluate_metadata(ctx, [gold], docs, only=set(docx_only))
    assert report.documents == {("dev", "text"): 1} and not report.unavailable
    assert set(select_documents(docs, ids=["n1", "n5"])) == {"n1", "n5"}
    assert select_documents(docs) is docs


def test_eval_metadata_of_one_split_reads_no_document_of_the_other(ctx, corpus: Path) -> None:
    """--split dev: held-out documents are not even read (tuning runs never open them)."""
    gold = _jsonl(
        corpus / "gold" / "gold-metadata-t.jsonl",
        [
            {"id": i, "split": split, "type": "Thông báo", "number": None, "date": None, "issuer": None,
             "signer": None, "handwritten": []}
            for i, split in (("n1", "dev"), ("n3", "heldout"))
        ],
    )  # fmt: skip
    docs = resolve_documents([gold], None, corpus / "files")
    read: list[str] = []
    report = evaluate_metadata(ctx, [gold], docs, split="dev", on_document=read.append)
    assert read == ["n1"]
    assert report.documents == {("dev", "text"): 1}
    report = evaluate_metadata(ctx, [gold], docs, split="heldout")
    assert report.documents == {("heldout", "text"): 1} and not report.dev_mismatches


def test_eval_assignments_precision_recall_and_dues_over_the_home(ctx, corpus: Path) -> None:
    ctx.ingestor().ingest([corpus / "files" / "t"])
    gold = _jsonl(
        corpus / "gold" / "gold-tasks-t.jsonl",
        [
            {"id": "n1", "split": "dev", "assignments": [
                # Matched through the catalogue (the province suffix), due right.
                {"unit": "Sở Tư pháp tỉnh Gia Lai", "role": "lead", "duty": "số hóa dữ liệu hộ tịch",
                 "due_text": "trước ngày 31/12/2026", "due_date": "2026-12-31", "recurrence": None},
                # Matched; a month-precision gold compares as a month.
                {"unit": "Sở Nội vụ", "role": "responsible", "duty": "tổng hợp ý kiến góp ý",
                 "due_text": "trước ngày 10/12/2026", "due_date": "2026-12", "recurrence": None},
                # Matched; "trong năm 2027" is context, not a deadline (issue 11): no due date, as in the gold.
                {"unit": "Tỉnh đoàn", "role": "responsible", "duty": "cuộc thi ý tưởng khởi nghiệp",
                 "due_text": None, "due_date": None, "recurrence": None},
                # Not extracted.
                {"unit": "Sở Tài chính", "role": "cooperate", "duty": "thẩm định kinh phí",
                 "due_text": None, "due_date": None, "recurrence": None},
                # The right duty under the wrong unit does not match.
                {"unit": "Sở Y tế", "role": "lead", "duty": "số hóa dữ liệu hộ tịch",
                 "due_text": None, "due_date": None, "recurrence": None},
            ]},
            {"id": "n2", "split": "dev", "assignments": []},  # its one task is a false positive
            {"id": "n3", "split": "heldout", "assignments": [
                {"unit": "Sở Tư pháp", "role": "lead", "duty": "số hóa dữ liệu hộ tịch",
                 "due_text": "trước ngày 30/12/2026", "due_date": "2026-12-30", "recurrence": None},
            ]},
        ],
    )  # fmt: skip
    assert is_assignment_gold(gold)
    report = evaluate_assignments(ctx, [gold], resolve_documents([gold], None, corpus / "files"))
    dev, held = report.splits["dev"], report.splits["heldout"]
    assert (dev.documents, dev.gold, dev.predicted, dev.matched_predicted, dev.matched_gold) == (2, 5, 4, 3, 3)
    assert (dev.precision, dev.recall) == (0.75, 0.6)
    assert (dev.due_with_right, dev.due_with_n, dev.due_without_right, dev.due_without_n) == (2, 2, 1, 1)
    assert (held.gold, held.predicted, held.matched_predicted, held.matched_gold) == (1, 3, 1, 1)
    assert (held.due_with_right, held.due_with_n) == (0, 1)
    kinds = sorted((f["id"], f["kind"]) for f in report.dev_failures)
    assert kinds == [("n1", "missed"), ("n1", "missed"), ("n2", "false")]
    assert all(f["id"] != "n3" for f in report.dev_failures)
    # Fresh extraction from the files gives the same figures as the stored tasks.
    fresh = evaluate_assignments(ctx, [gold], resolve_documents([gold], None, corpus / "files"), stored=False)
    assert fresh.splits["dev"].as_dict() == dev.as_dict()


def test_due_agreement_rule() -> None:
    day = {"start": "2026-12-31", "end": "2026-12-31"}
    assert due_agrees("2026-12-31", day) and due_agrees("2026-12", day) and due_agrees("2026", day)
    assert not due_agrees("2026-12-30", day) and not due_agrees("2026-12-31", None)
    assert due_agrees(None, None) and not due_agrees(None, day)
    # A deadline written without a day of its own (recurring, relative): read from those words, right;
    # another one, wrong.
    yearly = {"start": "2026-06-30", "end": "2026-06-30", "text": "trước ngày 30 tháng 6"}
    assert due_agrees(None, yearly, "trước ngày 30 tháng 6 hằng năm")
    assert due_agrees(None, None, "trước ngày 30 tháng 6 hằng năm")
    assert not due_agrees(None, {**yearly, "text": "trước ngày 31/12/2026"}, "trước ngày 30 tháng 6 hằng năm")
    assert not due_agrees(None, yearly, None)


def test_a_task_naming_no_unit_is_one_unmatched_pair() -> None:
    from troly.evals.assignments import SplitCounts, _score_document, _Units
    from troly.evals.corpus import PredictedAssignee, PredictedTask
    from troly.units import UnitCatalogue

    tasks = [
        PredictedTask("Rà soát các mỏ khoáng sản.", "", [], None),
        PredictedTask("Sở Xây dựng rà soát quy hoạch.", "", [PredictedAssignee("Sở Xây dựng", None, "lead")], None),
    ]
    gold = [{"unit": "Sở Xây dựng", "duty": "rà soát quy hoạch", "due_date": None}]
    counts = SplitCounts()
    _score_document(_Units(UnitCatalogue.load()), gold, tasks, counts, None)
    assert (counts.predicted, counts.matched_predicted, counts.matched_gold) == (2, 1, 1)


def test_eval_answers_through_the_assistant(ctx, corpus: Path) -> None:
    ctx.ingestor().ingest([corpus / "files" / "t"])
    gold = _jsonl(
        corpus / "gold" / "answers.jsonl",
        [
            {"id": "a1", "split": "dev", "type": "unit_tasks", "q": "Tháng này Sở Tư pháp được giao nhiệm vụ gì?",
             "today": "2026-11-20", "answer_must": [["hộ tịch"], ["tháng 11/2026"]], "answer_must_not": [],
             "cite_must": [["912/TB-UBND"], ["14/11/2026"]]},
            # Same question, a gold it cannot meet: a missing string, a forbidden one, a wrong citation.
            {"id": "a2", "split": "dev", "type": "unit_tasks", "q": "Tháng này Sở Tư pháp được giao nhiệm vụ gì?",
             "today": "2026-11-20", "answer_must": [["Sở Y tế"]], "answer_must_not": ["hộ tịch"],
             "cite_must": [["174/TB-UBND"]]},
            # The clock follows "today": December, not November.
            {"id": "a3", "split": "heldout", "type": "unit_tasks", "q": "Tháng này Sở Tư pháp được giao nhiệm vụ gì?",
             "today": "2026-12-02", "answer_must": [["tháng 12/2026"]], "answer_must_not": ["tháng 11/2026"],
             "cite_must": []},
            # A follow-up: the history question is asked first in the same chat.
            {"id": "a4", "split": "dev", "type": "followup", "q": "còn Sở Nội vụ thì sao?",
             "history": ["Tháng này Sở Tư pháp được giao nhiệm vụ gì?"], "today": "2026-11-20",
             "answer_must": [["Bộ Nội vụ"]], "answer_must_not": ["hộ tịch"], "cite_must": [["912/TB-UBND"]]},
        ],
    )  # fmt: skip
    cases = load_answer_cases(gold)
    report = evaluate_answers(ctx, cases)
    right = {r.case.id: r.right for r in report.results}
    assert right == {"a1": True, "a2": False, "a3": True, "a4": True}
    a2 = next(r for r in report.results if r.case.id == "a2")
    assert len(a2.why) == 3
    table = report.table()
    assert table["dev"]["unit_tasks"] == (1, 2) and table["dev"]["all"] == (2, 3)
    assert table["heldout"]["all"] == (1, 1) and table["all"]["all"] == (3, 4)
    assert [f["id"] for f in report.as_dict()["dev_failures"]] == ["a2"]
    with ctx.db.session() as session:  # every case ran in its own chat, and left nothing behind
        assert session.query(ConversationRow).count() == 0


def test_not_found_needs_the_plain_sentence() -> None:
    case = load_answer_cases_from([{"id": "x", "type": "not_found", "q": "?", "not_found": True}])[0]
    assert judge(case, Reply("Không tìm thấy thông tin này trong các văn bản hiện có.")).right
    cited = Reply("Sở Y tế chủ trì.", citations=[Citation("d", "1/TB", dt.date(2026, 1, 2), None, "1", "q")])
    verdict = judge(case, cited)
    assert not verdict.right and verdict.why == ["answer does not say 'không tìm thấy'"]


def load_answer_cases_from(items: list[dict]):  # type: ignore[no-untyped-def]
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        return load_answer_cases(_jsonl(Path(d) / "g.jsonl", items))


def test_cli_eval_commands(ctx, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from troly.cli import app

    monkeypatch.setenv("TROLY_HOME", str(ctx.settings.home))
    ctx.ingestor().ingest([corpus / "files" / "t"])
    meta = _jsonl(
        corpus / "gold" / "gold-metadata-t.jsonl",
        [{"id": "n1", "split": "dev", "type": "Thông báo", "number": "912/TB-UBND", "date": "2026-11-14",
          "issuer": "UBND tỉnh Gia Lai", "signer": "Lê Văn Sai", "handwritten": []},
         {"id": "n3", "split": "heldout", "type": "Thông báo", "number": "912/TB-UBND", "date": "2026-11-14",
          "issuer": "UBND tỉnh Gia Lai", "signer": "Lê Văn Giấu", "handwritten": []}],
    )  # fmt: skip
    root = str(corpus / "files")
    res = CliRunner().invoke(app, ["eval", "metadata", "--gold", str(meta), "--root", root, "--stored"])
    assert res.exit_code == 0, res.output
    assert "Lê Văn Sai" in res.output and "Lê Văn Giấu" not in res.output  # heldout mismatches never listed
    res = CliRunner().invoke(app, ["eval", "metadata", "--gold", str(meta), "--root", root, "--json"])
    data = json.loads(res.stdout)
    assert data["fields"]["signer"]["heldout"]["all"] == {
        "right": 0, "n": 1, "accuracy": 0.0, "handwritten_right": 0, "handwritten_n": 0,
    }  # fmt: skip
    assert data["fields"]["number"]["dev"]["text"]["right"] == 1
    tasks = _jsonl(corpus / "gold" / "gold-tasks-t.jsonl", [{"id": "n2", "split": "dev", "assignments": []}])
    res = CliRunner().invoke(app, ["eval", "tasks", "--gold", str(tasks), "--root", root, "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["splits"]["dev"]["precision"] == 0.0
    # The unit/month format still works.
    sample = _jsonl(corpus / "sample-tasks.jsonl", [{"id": "s", "unit": "Sở Tư pháp", "month": None,
                                                     "must_include": [["hộ tịch"]]}])  # fmt: skip
    res = CliRunner().invoke(app, ["eval", "tasks", "--gold", str(sample), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["passed"] == 1


def test_issuer_with_or_without_its_province_is_the_same_body() -> None:
    from troly.evals.metadata import same_value

    assert same_value("issuer", "Sở Công Thương", "Sở Công Thương tỉnh Lào Cai")
    assert same_value("issuer", "Sở Nội vụ tỉnh Vĩnh Long", "SỞ NỘI VỤ")
    assert same_value("issuer", "Ủy ban nhân dân tỉnh Gia Lai", "UBND tỉnh Gia Lai")
    # the body itself must match; a different province is a different body
    assert not same_value("issuer", "Sở Công Thương", "Sở Tài chính tỉnh Lào Cai")
    assert not same_value("issuer", "Sở Nội vụ tỉnh Vĩnh Long", "Sở Nội vụ tỉnh Gia Lai")
    assert not same_value("issuer", "UBND tỉnh Gia Lai", "UBND")
    assert not same_value("signer", "Nguyễn Văn A", "Nguyễn Văn B")


def test_names_the_catalogue_lacks_match_as_written_two_ways() -> None:
    """People and teams: the gold's "Hoàng Văn An (Trưởng đoàn)" is the text's "Ông. Hoàng Văn An -
    Trưởng đoàn"; a run of two or more words of the other name matches, one shared word does not."""
    from troly.evals.assignments import _same_person

    assert _same_person("Hoàng Văn An (Trưởng đoàn)", "Ông. Hoàng Văn An - Trưởng đoàn")
    assert _same_person(
        "Trưởng Ban xây dựng Đảng - Trưởng Tiểu ban", "Đồng chí Trưởng Ban xây dựng Đảng - Trưởng Tiểu ban"
    )
    assert _same_person("Ban công tác Mặt trận các thôn", "Ban công tác Mặt trận các thôn trên địa bàn xã")
    assert not _same_person("Trưởng thôn", "Thôn")
    assert not _same_person("Hoàng Văn An (Trưởng đoàn)", "Đỗ Mạnh Cường - Phó Trưởng đoàn")
