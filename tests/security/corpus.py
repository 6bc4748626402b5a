"""The hostile inputs of xss_corpus.txt, one per line ("\\n" and "\\uXXXX" decoded)."""
import re
from pathlib import Path

CORPUS_FILE = Path(__file__).with_name("xss_corpus.txt")


def _decode(line: str) -> str:
    line = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), line)
    return line.replace("\\n", "\n")


def load() -> list[str]:
    return [_decode(line) for line in CORPUS_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("# ")]


# Run in the page: everything in post bodies and titles that could execute.
DOM_CHECK = """
(selector) => {
  const bad = [];
  for (const root of document.querySelectorAll(selector)) {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      if (['script', 'iframe', 'object', 'embed', 'style', 'svg', 'math', 'img', 'form',
           'input', 'button', 'textarea', 'select', 'video', 'audio', 'base', 'link', 'meta',
           'frame', 'frameset', 'details', 'template'].includes(tag)) {
        bad.push(tag + ' element');
      }
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
        if (name.startsWith('on')) bad.push(tag + ' ' + name);
        if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'].includes(name)
            && !/^(https?:|mailto:|\\/[^\\/]|#)/.test(value)) {
          bad.push(tag + ' ' + name + '=' + attr.value);
        }
        if (name === 'style') bad.push(tag + ' style');
      }
    }
  }
  return bad;
}
"""
