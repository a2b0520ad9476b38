"""The upload page in a real browser: a month's — here the demo year's — seven files loaded with one
click on 全部装载, each card then saying what it was loaded as; and the file uploader without a
word of English (Streamlit writes its own, replaced by the page's CSS).

Every action is followed by an `expect` on what only the action's rerun can show, then by
`expect_settled`: see tests/e2e/helpers.py for why."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from dashboard import strings as S
from etl import demo
from tests.e2e.helpers import expect_settled, goto, open_app, shot, upload

ENGLISH = ("Drag and drop", "Browse files", "Limit", "Upload", "per file", "files here")

# The text a reader sees in an element: text nodes that are laid out, visible and not of zero size,
# plus the CSS-generated ::before/::after content (how the page puts its Chinese in), minus the
# Material icons (a ligature such as "upload" is drawn as a picture, not read as a word).
# innerText alone would miss the generated content, and textContent would include hidden English.
VISIBLE_TEXT = """root => {
    const out = [];
    const generated = (el, which) => {
        const s = getComputedStyle(el, which);
        if (s.display !== 'none' && s.visibility === 'visible' && s.content.startsWith('"'))
            out.push(JSON.parse(s.content));
    };
    const walk = el => {
        if (el.matches("[data-testid='stIconMaterial']")) return;
        const s = getComputedStyle(el);
        if (s.display === 'none') return;
        const box = el.getBoundingClientRect();
        const readable = s.visibility === 'visible' && parseFloat(s.fontSize) > 0 && box.width > 1 && box.height > 1;
        generated(el, '::before');
        for (const child of el.childNodes) {
            if (child.nodeType === Node.TEXT_NODE && readable && child.textContent.trim()) out.push(child.textContent.trim());
            else if (child.nodeType === Node.ELEMENT_NODE) walk(child);
        }
        generated(el, '::after');
    };
    walk(root);
    return out.join(' ');
}"""


def wait_for_words(page: Page, element: Locator, words: str) -> None:
    """Wait until `words` are part of the element's VISIBLE_TEXT (expect() cannot see generated
    content, so this is Playwright's wait_for_function on it: it retries like expect)."""
    page.wait_for_function(
        f"([el, words]) => ({VISIBLE_TEXT})(el).includes(words)", arg=[element.element_handle(), words]
    )


def main(page: Page) -> Locator:
    """The page's own content, without the sidebar and the toasts (which repeat an outcome)."""
    return page.locator("[data-testid='stMain']")


def card(page: Page, position: int) -> Locator:
    """The card of the file at `position` in the load order (rosters first, then upload order)."""
    return page.locator(f".st-key-upload-card-{position}")


def create_branch(page: Page, name: str) -> None:
    """On an empty database the branch picker offers only 新建党支部…: name the branch, confirm."""
    expect(page.get_by_label(S.UPLOAD_NEW_BRANCH_NAME)).to_be_visible()
    page.get_by_label(S.UPLOAD_NEW_BRANCH_NAME).fill(name)
    page.get_by_role("button", name=S.UPLOAD_NEW_BRANCH_OK).click()
    expect(page.get_by_text(S.UPLOAD_NEW_BRANCH_PENDING.format(name=name))).to_have_count(1)
    expect_settled(page)


def test_the_demo_year_loads_with_one_click_and_every_card_says_so(tmp_path, fresh_app, page):
    files = demo.write_files(tmp_path / "files")
    assert len(files) == 8 and "名册" in files[0].name  # the roster first: load order = upload order
    open_app(page, fresh_app.url)
    goto(page, S.PAGE_UPLOAD)
    create_branch(page, demo.BRANCH)

    upload(page, *files)
    expect(main(page).get_by_text(S.UPLOAD_WAIT_FOR_ROSTER)).to_have_count(7)
    expect(main(page).get_by_text("检查通过")).to_have_count(1)  # the roster; the others wait for it
    expect_settled(page)
    load_all = page.get_by_role("button", name=S.UPLOAD_ALL)
    expect(load_all).to_be_enabled()
    shot(page, "upload-batch-1-checked")

    load_all.click()  # the one click
    expect(main(page).get_by_text(S.UPLOAD_ALL_DONE.format(n=8))).to_have_count(1)
    # the toast of the same run, looked for first: it goes after a few seconds, and on a busy machine the
    # checks below take longer than that
    expect(page.locator("[data-testid='stToast']")).to_contain_text("全部装载完成")
    expect_settled(page)
    for position, path in enumerate(files):
        expect(card(page, position)).to_contain_text(path.name)
        expect(card(page, position)).to_contain_text(f"已装载为 #{position + 1}：")
    expect(main(page).get_by_text("完全相同")).to_have_count(0)
    expect(main(page).get_by_text(S.UPLOAD_WAIT_FOR_ROSTER)).to_have_count(0)
    expect(load_all).to_have_count(0)  # nothing is left to load
    # the history lists the eight loads, and the undo picker starts from the newest
    expect(main(page).get_by_text(S.HISTORY_COUNTS_NOTE)).to_have_count(1)
    expect(main(page).get_by_role("combobox", name=S.HISTORY_UNDO_PICK)).to_have_value(re.compile(r"^#8 "))
    shot(page, "upload-batch-2-loaded")

    goto(page, S.PAGE_OVERVIEW)  # the sidebar follows the branch the files went into
    expect(page.locator("[data-testid='stSidebar']").get_by_role("combobox", name=S.BRANCH)).to_have_value(demo.BRANCH)
    expect(page.get_by_text(S.EMPTY_TITLE)).to_have_count(0)


def test_the_file_uploader_shows_no_english(fresh_app, page):
    open_app(page, fresh_app.url)
    goto(page, S.PAGE_UPLOAD)
    zone = page.locator("[data-testid='stFileUploaderDropzone']")
    wait_for_words(page, zone, S.UPLOAD_DROP_BUTTON)
    shown = zone.evaluate(VISIBLE_TEXT)  # read once the Chinese is there (the anchor above)
    assert "或把文件拖到这里" in shown and "MB" in shown, shown
    assert not [w for w in ENGLISH if w in shown], shown

    # while files are dragged over it, the zone says what to do in Chinese too
    files = page.evaluate_handle(
        "() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'a.csv', {type: 'text/csv'})); return d; }"
    )
    zone.dispatch_event("dragenter", {"dataTransfer": files})
    overlay = zone.locator(":scope > div:not([data-testid])")
    expect(overlay).to_have_count(1)
    wait_for_words(page, zone, S.UPLOAD_DROP_ACTIVE)
    dragging = zone.evaluate(VISIBLE_TEXT)
    assert not [w for w in ENGLISH if w in dragging], dragging
    shot(page, "upload-dropzone-dragging")
    zone.dispatch_event("dragleave", {"dataTransfer": files})
    expect(overlay).to_have_count(0)
    shot(page, "upload-dropzone")
