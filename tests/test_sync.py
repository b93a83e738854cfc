"""``deckgen login``, ``logout`` and ``sync`` against the official sync server from the ``anki`` package.

One server per module (``python -m anki.syncserver`` on 127.0.0.1, a free port, its data in a temp folder),
one account per test. A "phone" is a plain ``anki`` client of the same account, made here with the
``anki`` package alone: it syncs, downloads in full the first time, syncs media, reviews and edits.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import main
from deckgen.load import load_file
from deckgen.notes import generate
from deckgen.sync import LOGIN_FILE, Login

from conftest import AS_CLOZE, EDITED_QA, ROOT, edit, remove_judgment

pytestmark = pytest.mark.slow

ACCOUNTS = {
    "user": "pass",
    "alice": "alice-pw",
    "bob": "bob-pw",
    "carol": "carol-pw",
    "dave": "dave-pw",
    "erin": "erin-pw",
    "frank": "frank-pw",
    "grace": "grace-pw",
    "heidi": "heidi-pw",
}
EDITED = "zhipu-bets-on-coding/qa/3"
PHONE_EDITED = "zhipu-bets-on-coding/qa/2"
GONE = "imagination-is-the-bottleneck"
TIMEOUT = 60
"""Seconds any one step of a test may take before it counts as hung."""


class SyncServer:
    """The official sync server in a subprocess; ``stop()`` kills it, ``start()`` brings it back on the same
    port with the same data."""

    def __init__(self, base: Path):
        self.base = base
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = base / "server.log"
        self.proc = None

    def start(self) -> None:
        env = dict(os.environ, SYNC_HOST="127.0.0.1", SYNC_PORT=str(self.port), SYNC_BASE=str(self.base))
        for i, (user, password) in enumerate(ACCOUNTS.items(), 1):
            env[f"SYNC_USER{i}"] = f"{user}:{password}"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "anki.syncserver"], env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                urllib.request.urlopen(self.url + "health", timeout=1).read()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the sync server did not start:\n{self.log.read_text()[-2000:]}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = SyncServer(tmp_path_factory.mktemp("syncserver"))
    srv.start()
    yield srv
    srv.stop()


def run(*args, input: str | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def login(server, user: str, password: str | None = None):
    password = ACCOUNTS[user] if password is None else password
    return run("login", "--endpoint", server.url, "--username", user, "--password-stdin", input=password + "\n")


class Phone:
    """Another device of the account: a collection of its own, synced with the anki package's client."""

    def __init__(self, folder: Path, server, user: str):
        from anki.collection import Collection

        folder.mkdir(parents=True)
        self.col = Collection(str(folder / "collection.anki2"))
        self.auth = self.col.sync_login(user, ACCOUNTS[user], server.url)
        self.auth.endpoint = server.url

    def sync(self) -> None:
        out = self.col.sync_collection(self.auth, False)
        if out.required in (out.FULL_DOWNLOAD, out.FULL_SYNC):
            self.col.close_for_full_sync()
            self.col.full_upload_or_download(auth=self.auth, server_usn=None, upload=False)
            self.col.reopen(after_full_sync=True)
        else:
            assert out.required == out.NO_CHANGES, out
        self.col.sync_media(self.auth)
        deadline = time.monotonic() + TIMEOUT
        while self.col.media_sync_status().active:
            assert time.monotonic() < deadline, "media sync hangs"
            time.sleep(0.05)

    def note(self, key: str):
        (nid,) = self.col.find_notes(f'"Key:{key}"')
        return self.col.get_note(nid)

    def notes(self) -> dict:
        """GUID → (fields, tags) of every note."""
        return {
            n.guid: (tuple(n.fields), tuple(sorted(n.tags)))
            for n in (self.col.get_note(nid) for nid in self.col.find_notes(""))
        }

    def close(self) -> None:
        self.col.close()


def package_notes(anki, cards: Path, tmp_path: Path) -> dict:
    """What File → Import of ``cards`` built now gives: GUID → (fields, tags), from a fresh collection."""
    package = tmp_path / "reference.apkg"
    assert run("build", cards, "-o", package).exit_code == 0
    anki.import_apkg(package)
    return {n.guid: (tuple(n.fields), tuple(sorted(n.tags))) for n in anki.notes()}


def test_login_stores_the_sync_key_only_for_the_user_and_logout_removes_it(server, machine_state, cards_copy):
    result = login(server, "user")
    assert result.exit_code == 0, result.output
    stored = machine_state / LOGIN_FILE
    assert stored.stat().st_mode & 0o777 == 0o600
    text = stored.read_text(encoding="utf-8")
    assert ACCOUNTS["user"] not in text and Login.read().hkey in text and server.url in text
    assert run("sync", cards_copy).exit_code == 0
    copy = Login.read().collection
    assert copy.is_file() and copy.is_relative_to(machine_state)

    assert run("logout").exit_code == 0
    assert not stored.exists() and not copy.parent.exists()
    assert not (machine_state / "sync").exists()  # no empty folder left behind
    assert run("logout").output == "Not logged in; nothing to remove\n"


def test_wrong_credentials_exit_1(server, machine_state, cards_copy):
    wrong = login(server, "alice", "not-her-password")
    assert wrong.exit_code == 1 and "refused the login" in wrong.output and "Traceback" not in wrong.output
    assert not (machine_state / LOGIN_FILE).exists()

    no_login = run("sync", cards_copy)
    assert no_login.exit_code == 1 and "not logged in" in no_login.output

    Login("alice", server.url, "0" * 40, "stale-key").write()  # a key the server does not know
    stale = run("sync", cards_copy)
    assert stale.exit_code == 1 and "refused the login" in stale.output and "deckgen login" in stale.output


def test_a_phone_sees_every_change_and_its_own_edits_survive(server, cards_copy, tmp_path, anki):
    src = cards_copy / "agi-next-2026.yaml"
    assert login(server, "bob").exit_code == 0
    first = run("sync", cards_copy)
    assert first.exit_code == 0, first.output
    assert "downloaded the collection (first sync)" in first.output and "synced up" in first.output
    expected = package_notes(anki, cards_copy, tmp_path)
    assert f"Anki imported: new {len(expected)} · updated 0" in first.output

    phone = Phone(tmp_path / "phone", server, "bob")
    phone.sync()
    assert phone.notes() == expected  # every note, as File → Import gives it
    image = next(n for n in generate(load_file(src))[0] if n.media)
    (name,) = [f.split('src="')[1].split('"')[0] for f in phone.note(image.key).fields if 'src="' in f]
    assert (Path(phone.col.media.dir()) / name).read_bytes() == Path(image.media[0]).read_bytes()

    review = phone.note(EDITED)
    (cid,) = phone.col.find_cards(f'"Key:{EDITED}"')
    card = phone.col.get_card(cid)
    card.start_timer()
    phone.col.sched.answerCard(card, 3)
    revlog = phone.col.db.all("SELECT id, cid, ease, ivl FROM revlog")
    scheduled = phone.col.db.first("SELECT ivl, due, queue, reps FROM cards WHERE id = ?", cid)
    mine = phone.note(PHONE_EDITED)
    mine["Answer"] = "唐杰 (Tang Jie), noted on the phone"
    phone.col.update_note(mine)
    phone.sync()

    edit(src, "        a: DeepSeek\n", "        a: DeepSeek (深度求索)\n")
    second = run("sync", cards_copy)
    assert second.exit_code == 0, second.output
    assert "Anki imported: new 0 · updated 1 · " in second.output
    assert f"\n    updated {EDITED}\n" in second.output
    phone.sync()
    edited = phone.note(EDITED)
    assert edited.id == review.id and edited["Answer"] == "DeepSeek (深度求索)"  # in place
    assert phone.col.db.all("SELECT id, cid, ease, ivl FROM revlog") == revlog  # the phone's review is kept
    assert phone.col.db.first("SELECT ivl, due, queue, reps FROM cards WHERE id = ?", cid) == scheduled
    assert phone.note(PHONE_EDITED)["Answer"] == "唐杰 (Tang Jie), noted on the phone"

    third = run("sync", cards_copy)  # the source did not change that note: the phone's edit survives
    assert third.exit_code == 0 and "Anki imported: new 0 · updated 0 · " in third.output
    phone.sync()
    assert phone.note(PHONE_EDITED)["Answer"] == "唐杰 (Tang Jie), noted on the phone"

    removed = sum(n.judgment.id == GONE for n in generate(load_file(src))[0])
    remove_judgment(src, GONE)
    gone = {n.key for n in generate(load_file(cards_copy / "agi-next-2026.yaml"))[0]}
    kept = run("sync", cards_copy)
    assert kept.exit_code == 0, kept.output
    assert f"{removed} note(s) no longer in the source (kept; --prune removes them)" in kept.output
    phone.sync()
    assert len(phone.notes()) == len(expected)
    pruned = run("sync", cards_copy, "--prune")
    assert pruned.exit_code == 0 and f"{removed} note(s) no longer in the source (removed)" in pruned.output
    phone.sync()
    assert {phone.col.get_note(n)["Key"] for n in phone.col.find_notes("")} == gone
    assert phone.note(PHONE_EDITED)["Answer"] == "唐杰 (Tang Jie), noted on the phone"

    edit(src, "        a: DeepSeek (深度求索)\n", "        a: DeepSeek-R1\n")
    before = phone.notes()
    dry = run("sync", cards_copy, "--dry-run")
    assert dry.exit_code == 0 and f"    would be updated {EDITED}\n" in dry.output and "nothing was sent" in dry.output
    phone.sync()
    assert phone.notes() == before
    phone.close()


def test_a_named_deck_syncs_in_subdecks_and_its_prune_keeps_what_the_source_still_makes(server, cards_copy, tmp_path):
    src = cards_copy / "agi-next-2026.yaml"
    assert login(server, "frank").exit_code == 0
    assert run("sync", cards_copy).exit_code == 0  # the full deck first
    remove_judgment(src, GONE)
    every = {n.guid for n in generate(load_file(src))[0]}
    deck = "AGI-Next 2026 · 林俊旸 Lin Junyang"
    in_deck = {n.guid for n in generate(load_file(src))[0] if "lin-junyang" in n.speakers}
    assert in_deck and every - in_deck
    edit(src, "        a: DeepSeek\n", "        a: DeepSeek (深度求索)\n")  # outside the deck: not synced here

    result = run("sync", cards_copy, "--deck", "lin-junyang", "--subdecks", "--prune")

    assert result.exit_code == 0, result.output
    assert f'Deck "{deck}" (agi-next-2026): {len(in_deck)} notes' in result.output
    assert "no longer in the source (removed)" in result.output
    phone = Phone(tmp_path / "phone", server, "frank")
    phone.sync()
    assert {phone.col.get_note(n).guid for n in phone.col.find_notes("")} == every
    assert phone.note(EDITED)["Answer"] == "DeepSeek"
    assert any(d.name.startswith(f"{deck}::") for d in phone.col.decks.all_names_and_ids())
    phone.close()


def test_a_kind_change_without_a_ledger_is_refused_against_the_account(server, cards_copy, tmp_path):
    """With no ledger to catch a Q/A card made a cloze under its id, sync checks the account's notes after
    syncing down, and refuses before it builds, writes a ledger or sends anything."""
    assert login(server, "grace").exit_code == 0
    assert run("sync", cards_copy).exit_code == 0
    (cards_copy / "agi-next-2026.ledger.json").unlink()
    edit(cards_copy / "agi-next-2026.yaml", EDITED_QA, AS_CLOZE)
    result = run("sync", cards_copy)
    assert result.exit_code == 1, result.output
    assert f"note '{EDITED}' is in the collection as a Q/A note and is now a cloze note" in result.output
    assert not (cards_copy / "agi-next-2026.ledger.json").exists()
    phone = Phone(tmp_path / "phone", server, "grace")
    phone.sync()
    assert phone.note(EDITED)["Answer"] == "DeepSeek"  # the account still has the Q/A note, untouched
    phone.close()


def test_a_renamed_card_id_is_refused_against_the_account_unless_taken_as_new(server, cards_copy, tmp_path):
    """A card id renamed in the source would put a second note of its question into the account beside the
    one with the history: sync refuses before it sends anything; --as-new adds it beside the old note."""
    assert login(server, "grace").exit_code == 0
    assert run("sync", cards_copy).exit_code == 0
    edit(cards_copy / "agi-next-2026.yaml", f"id: {EDITED}\n", "id: zhipu-bets-on-coding/deepseek\n")
    refused = run("sync", cards_copy)
    assert refused.exit_code == 1, refused.output
    assert f"beside the note '{EDITED}', which asks its question in the collection" in refused.output
    phone = Phone(tmp_path / "phone", server, "grace")
    phone.sync()
    assert not phone.col.find_notes('"Key:zhipu-bets-on-coding/deepseek"') and phone.note(EDITED)
    taken = run("sync", cards_copy, "--as-new")
    assert taken.exit_code == 0, taken.output
    phone.sync()
    assert phone.note("zhipu-bets-on-coding/deepseek")["Answer"] == phone.note(EDITED)["Answer"] == "DeepSeek"
    phone.close()


def test_a_bad_selection_is_reported_before_the_server_is_asked(server, cards_copy, machine_state):
    """sync builds (and so checks the selection) before it syncs down: with no server to answer, the
    problem the user can fix is what sync says."""
    import json

    assert login(server, "grace").exit_code == 0
    stored = machine_state / LOGIN_FILE
    data = json.loads(stored.read_text())
    stored.write_text(json.dumps({**data, "endpoint": "http://127.0.0.1:9/"}))  # nothing listens there
    result = run("sync", cards_copy, "--theme", "agnet")
    assert result.exit_code == 1, result.output
    assert "unknown theme 'agnet' (did you mean 'agent'?)" in result.output and "network" not in result.output


@pytest.mark.parametrize(
    "damage", [b"garbage, not a database", b"SQLite format 3\x00" + b"\x07" * 5000], ids=["garbage", "corrupt"]
)
def test_a_damaged_copy_is_named_with_what_mends_it_and_nothing_is_sent(server, cards_copy, machine_state, damage):
    """deckgen's copy of the account's collection is a cache: a damaged one (a disk fault, a stray write) is
    no other sync holding it, and logout and login make a fresh one."""
    import json

    assert login(server, "grace").exit_code == 0
    copy = Login.read().collection
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(damage)
    stored = machine_state / LOGIN_FILE
    data = json.loads(stored.read_text())
    stored.write_text(json.dumps({**data, "endpoint": "http://127.0.0.1:9/"}))  # nothing listens there
    result = run("sync", cards_copy)
    assert result.exit_code == 1, result.output
    assert "deckgen's copy of the account's collection is damaged" in result.output
    assert "deckgen logout removes it" in result.output and "wait for it" not in result.output
    assert copy.read_bytes() == damage
    assert run("logout").exit_code == 0 and not copy.exists()


def test_an_empty_copy_left_by_an_interrupted_first_sync_is_made_a_collection(server, cards_copy, machine_state):
    assert login(server, "heidi").exit_code == 0
    copy = Login.read().collection
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(b"")
    result = run("sync", cards_copy)
    assert result.exit_code == 0, result.output


def test_while_a_sync_runs_logout_login_and_another_sync_are_refused(server, cards_copy, machine_state):
    """A sync holds this machine's sync lock from start to end, also while a full download has its copy closed:
    logout would delete the copy under it, a login to another account too, and a second sync would race it."""
    assert login(server, "grace").exit_code == 0
    assert run("sync", cards_copy).exit_code == 0
    copy = Login.read().collection
    hold = "from deckgen.sync import _sync_lock\nwith _sync_lock('x'):\n    print(1, flush=True)\n    input()"
    held = subprocess.Popen([sys.executable, "-c", hold], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:  # a process in the middle of a sync, as far as the lock tells
        assert held.stdout.readline() == "1\n"
        for args, then in ((["logout"], "log out"), (["sync", cards_copy], "sync")):
            result = run(*args)
            assert result.exit_code == 1, result.output
            assert f"a deckgen sync is running on this machine; {then} once it has finished" in result.output
        result = login(server, "frank")
        assert result.exit_code == 1 and "log in once it has finished" in result.output, result.output
        assert Login.read().username == "grace" and copy.exists()
    finally:
        held.communicate("\n")
    assert run("logout").exit_code == 0 and not copy.exists() and not (machine_state / LOGIN_FILE).exists()


def test_a_server_stopped_mid_sync_gives_a_clear_error_and_the_next_run_completes(server, tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from sources import make_source

    src = tmp_path / "bench-1000.yaml"
    src.write_text(make_source(1000), encoding="utf-8")
    assert login(server, "carol").exit_code == 0
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "deckgen", "sync", str(src)]
    seen = server.log.stat().st_size
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + TIMEOUT
        while "/sync/applyChunk" not in server.log.read_text(errors="replace")[seen:]:  # the upload has begun
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the sync never started uploading"
            time.sleep(0.005)
        server.stop()
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if server.proc.poll() is not None:
            server.start()
    assert proc.returncode == 1, out + err
    assert "could not sync up with " + server.url in err and "A network error occurred" in err
    assert "Nothing is lost" in err and "Traceback" not in err

    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert again.returncode == 0, again.stdout + again.stderr
    phone = Phone(tmp_path / "phone", server, "carol")
    phone.sync()
    assert len(phone.notes()) == 3000
    phone.close()


def test_a_server_down_before_the_sync_says_nothing_was_sent_or_applied(server, cards_copy):
    assert login(server, "carol").exit_code == 0
    server.stop()
    try:
        result = run("sync", cards_copy)
    finally:
        server.start()
    assert result.exit_code == 1, result.output
    assert "with " + server.url + ": A network error occurred" in result.output
    assert "Nothing was sent or applied yet; run deckgen sync again once the server answers" in result.output
    assert ".." not in result.output
    assert "keeps what it applied" not in result.output and "Traceback" not in result.output


def test_a_full_sync_the_server_requires_is_settled_by_a_download_never_an_upload(server, cards_copy, tmp_path):
    assert login(server, "dave").exit_code == 0
    assert run("sync", cards_copy).exit_code == 0
    phone = Phone(tmp_path / "phone", server, "dave")
    phone.sync()
    mine = phone.col.new_note(phone.col.models.by_name("Basic"))
    mine["Front"] = "added on the phone, then forced up in one direction"
    phone.col.add_note(mine, 1)
    phone.col.set_schema_modified()  # as after a note-type field change: the next sync must be a full one
    out = phone.col.sync_collection(phone.auth, False)
    assert out.required == out.FULL_SYNC
    phone.col.close_for_full_sync()
    phone.col.full_upload_or_download(auth=phone.auth, server_usn=None, upload=True)
    phone.col.reopen(after_full_sync=True)

    edit(cards_copy / "agi-next-2026.yaml", "        a: DeepSeek\n", "        a: DeepSeek (深度求索)\n")
    result = run("sync", cards_copy)
    assert result.exit_code == 0, result.output
    assert "downloaded the collection (the server required a full sync)" in result.output
    assert "Anki imported: new 0 · updated 1 · " in result.output
    phone.sync()
    assert phone.note(EDITED)["Answer"] == "DeepSeek (深度求索)"
    assert phone.col.find_notes('"Front:added on the phone, then forced up in one direction"')
    phone.close()


def test_when_only_an_upload_would_do_sync_stops_and_says_why(server, cards_copy, tmp_path):
    assert login(server, "erin").exit_code == 0
    assert run("sync", cards_copy).exit_code == 0
    empty = Phone(tmp_path / "empty", server, "erin")
    empty.col.set_schema_modified()
    empty.col.close_for_full_sync()  # an empty device forces its empty collection up: the account is now empty
    empty.col.full_upload_or_download(auth=empty.auth, server_usn=None, upload=True)
    empty.col.reopen(after_full_sync=True)
    empty.close()

    result = run("sync", cards_copy)
    assert result.exit_code == 1
    assert "holds an empty collection but deckgen's copy of it is not empty" in result.output
    assert "never uploads" in result.output and "Traceback" not in result.output
    phone = Phone(tmp_path / "phone", server, "erin")
    phone.sync()
    assert phone.notes() == {}  # nothing was uploaded over the server's (empty) collection
    phone.close()
