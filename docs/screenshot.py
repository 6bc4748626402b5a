"""Take headless Chromium screenshots of pages of a running forum.

    python docs/screenshot.py http://127.0.0.1:5000 OUTDIR /path[=name] ... [--login user:password] [--width 1280]
"""
import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("outdir")
    parser.add_argument("pages", nargs="+", help="/path or /path=name")
    parser.add_argument("--login")
    parser.add_argument("--width", type=int, action="append")
    parser.add_argument("--full", action="store_true", help="whole page, not only the viewport")
    parser.add_argument("--dark", action="store_true")
    args = parser.parse_args()
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width in args.width or [1280]:
            context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 800},
                                          color_scheme="dark" if args.dark else "light")
            page = context.new_page()
            if args.login:
                user, password = args.login.split(":", 1)
                page.goto(args.base + "/auth/login")
                page.fill("#username", user)
                page.fill("#password", password)
                page.click("button[type=submit]")
            for spec in args.pages:
                path, _, name = spec.partition("=")
                name = name or (path.strip("/").replace("/", "-") or "home")
                page.goto(args.base + path)
                target = out / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=args.full)
                print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
