#!/usr/bin/env python3
"""Rebuild the committed PDF faces from Debian packages (see SOURCES.md).

Run as root on Debian 12 after:
  apt-get install -y fonts-noto-cjk python3-fonttools
  apt-get download texlive-lang-chinese && dpkg-deb -x texlive-lang-chinese_*.deb /tmp/tl
Then: /usr/bin/python3 templates/fonts/extract.py /tmp/tl
"""
import os
import shutil
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = os.path.dirname(os.path.abspath(__file__))
NOTO = '/usr/share/fonts/opentype/noto'
FANDOL = 'usr/share/texlive/texmf-dist/fonts/opentype/public/fandol'


def gbk_codepoints():
    """Every BMP character that GBK can encode, plus ASCII: the 21,886 characters of GBK."""
    cps = set(range(0x20, 0x7F))
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        try:
            chr(cp).encode('gbk')
        except UnicodeEncodeError:
            continue
        cps.add(cp)
    return cps


def sc_face(ttc, name):
    for font in TTCollection(os.path.join(NOTO, ttc)).fonts:
        if font['name'].getDebugName(6) == name:
            return font
    raise SystemExit(f'{name} not found in {ttc}')


def write_subset(ttc, name, out, codepoints):
    font = sc_face(ttc, name)
    if codepoints is None:
        codepoints = set(font.getBestCmap().keys())
    options = subset.Options()
    # The PDF renderer maps code points to glyphs itself: no OpenType layout is needed,
    # and dropping it (with its locale alternates) halves the files.
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ['*']
    options.name_languages = ['*']
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    font.save(os.path.join(HERE, out))
    print(out, os.path.getsize(os.path.join(HERE, out)), 'bytes', len(codepoints), 'code points')


def main():
    tl = sys.argv[1] if len(sys.argv) > 1 else '/tmp/tl'
    gbk = gbk_codepoints()
    # Fallback face: every code point of the SC face (all of CJK Unified Ideographs + Ext. A, ...).
    write_subset('NotoSerifCJK-Regular.ttc', 'NotoSerifCJKsc-Regular', 'NotoSerifCJKsc-Regular.otf', None)
    write_subset('NotoSerifCJK-Bold.ttc', 'NotoSerifCJKsc-Bold', 'NotoSerifCJKsc-Bold-GBK.otf', gbk)
    write_subset('NotoSansCJK-Regular.ttc', 'NotoSansCJKsc-Regular', 'NotoSansCJKsc-Regular-GBK.otf', gbk)
    for face in ('FandolFang-Regular.otf', 'FandolKai-Regular.otf'):
        shutil.copyfile(os.path.join(tl, FANDOL, face), os.path.join(HERE, face))
        print(face, os.path.getsize(os.path.join(HERE, face)), 'bytes (copied unchanged)')


if __name__ == '__main__':
    main()
