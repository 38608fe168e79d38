// Word files built inside the tests: a few WordprocessingML parts zipped by hand, so every test
// says exactly what the department's .docx contains (styles, runs, tables, notes, images).

import { posix } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export type Run = string | { text: string; bold?: boolean; italic?: boolean } | { footnote: string } | { image: DocxImage };

export interface DocxImage {
  bytes: Uint8Array;
  /** Name of the part inside the package, e.g. `media/image1.png` (tests may try a hostile one). */
  part: string;
  alt?: string;
}

export type Block =
  /** `numbered`: Word's automatic numbering (一、二、…), so the number is not in the text. */
  { p: string | Run[]; style?: 'Title' | 'Heading1' | 'Heading2' | 'Subtitle'; numbered?: boolean } | { table: string[][]; merged?: boolean };

export interface DocxSpec {
  blocks: Block[];
  /** Files embedded in the package as they would be by Word (`word/embeddings/...`). */
  embeddings?: Record<string, Uint8Array>;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A .docx holding `spec`, as bytes. */
export function buildDocx(spec: DocxSpec): Buffer {
  const rels: string[] = [
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>',
  ];
  const footnotes: string[] = [];
  const media: Record<string, Uint8Array> = {};
  let imageCount = 0;

  const run = (item: Run): string => {
    if (typeof item === 'string') return `<w:r><w:t xml:space="preserve">${esc(item)}</w:t></w:r>`;
    if ('footnote' in item) {
      const id = footnotes.length + 1;
      footnotes.push(
        `<w:footnote w:id="${id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve">${esc(item.footnote)}</w:t></w:r></w:p></w:footnote>`,
      );
      if (id === 1)
        rels.push(
          '<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>',
        );
      return `<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="${id}"/></w:r>`;
    }
    if ('image' in item) {
      imageCount += 1;
      const rel = `rIdImage${imageCount}`;
      // Stored where the relationship leads, even outside word/ (a zip-slip name, for hostile tests).
      media[posix.normalize(`word/${item.image.part}`)] = item.image.bytes;
      rels.push(
        `<Relationship Id="${rel}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="${esc(item.image.part)}"/>`,
      );
      return `<w:r><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/><wp:docPr id="${imageCount}" name="图片 ${imageCount}" descr="${esc(item.image.alt ?? '')}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="${imageCount}" name="image"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="${rel}"/></pic:blipFill><pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`;
    }
    const props = `${item.bold ? '<w:b/>' : ''}${item.italic ? '<w:i/>' : ''}`;
    return `<w:r>${props === '' ? '' : `<w:rPr>${props}</w:rPr>`}<w:t xml:space="preserve">${esc(item.text)}</w:t></w:r>`;
  };
  const paragraph = (content: string | Run[], style?: string, numbered = false) => {
    const props = `${style === undefined ? '' : `<w:pStyle w:val="${style}"/>`}${numbered ? '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>' : ''}`;
    return `<w:p>${props === '' ? '' : `<w:pPr>${props}</w:pPr>`}${(typeof content === 'string' ? [content] : content).map(run).join('')}</w:p>`;
  };

  const body = spec.blocks
    .map((block) => {
      if ('p' in block) return paragraph(block.p, block.style, block.numbered);
      const rows = block.table.map((row, r) => {
        const cells = row.map((cell, c) => {
          const merge = block.merged === true && r === 0 && c === 0 ? '<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>' : '';
          return `<w:tc>${merge}${paragraph(cell)}</w:tc>`;
        });
        return `<w:tr>${cells.join('')}</w:tr>`;
      });
      return `<w:tbl><w:tblPr/>${rows.join('')}</w:tbl>`;
    })
    .join('');

  const ns =
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"';
  const files: Record<string, string | Uint8Array> = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/><Default Extension="pdf" ContentType="application/pdf"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    'word/styles.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles ${ns}>${[
      ['Title', 'Title'],
      ['Subtitle', 'Subtitle'],
      ['Heading1', 'heading 1'],
      ['Heading2', 'heading 2'],
      ['FootnoteText', 'footnote text'],
    ]
      .map(([id, name]) => `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/></w:style>`)
      .join('')}<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/></w:style></w:styles>`,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${ns}><w:body>${body}<w:sectPr/></w:body></w:document>`,
    ...media,
    ...Object.fromEntries(Object.entries(spec.embeddings ?? {}).map(([name, bytes]) => [`word/embeddings/${name}`, bytes])),
  };
  if (footnotes.length > 0) {
    files['word/footnotes.xml'] =
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes ${ns}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>${footnotes.join('')}</w:footnotes>`;
  }
  if (spec.blocks.some((block) => 'p' in block && block.numbered === true)) {
    files['word/numbering.xml'] =
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering ${ns}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`;
    rels.push('<Relationship Id="rIdNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>');
  }
  files['word/_rels/document.xml.rels'] =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`;
  return zip(files);
}

/** A ZIP archive of `files` (deflated), as Word writes one. */
export function zip(files: Record<string, string | Uint8Array>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
