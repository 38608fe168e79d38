// A Word file's bytes → its blocks, notes, images and embedded files, or an error that says what
// the file is instead and how to get a .docx from it.

import mammoth from 'mammoth';
import { imageSource, toBlocks, type DocumentBlocks } from './blocks.ts';
import { parseMammothHtml } from './html.ts';
import { readZipEntry, ZipError, zipEntries } from './zip.ts';

export interface DocxImage {
  index: number;
  contentType: string;
  /** Undefined when the picture's part is missing from the package (the reason is in `problem`). */
  bytes?: Buffer;
  problem?: string;
}

export interface EmbeddedFile {
  /** The name inside the package, untrusted (shown to the editor, never used as a path). */
  name: string;
  bytes: Buffer;
}

export interface DocxContent extends DocumentBlocks {
  images: DocxImage[];
  embedded: EmbeddedFile[];
  /** What mammoth could not convert (unknown styles, unsupported elements), in its words. */
  warnings: string[];
}

/** The file is not a Word document mammoth can read; `message` says what and how to fix it. */
export class DocxError extends Error {}

/** mammoth holds the whole package and its XML in memory; a larger file is pictures, not text. */
const MAX_DOCX_BYTES = 100 * 2 ** 20;

const startsWith = (bytes: Uint8Array, signature: number[]) => signature.every((byte, index) => bytes[index] === byte);

export async function readDocx(bytes: Uint8Array): Promise<DocxContent> {
  if (bytes.length > MAX_DOCX_BYTES) {
    throw new DocxError(
      `the file is ${Math.round(bytes.length / 2 ** 20)} MiB; a Word document for the gazette is at most ${MAX_DOCX_BYTES / 2 ** 20} MiB. Compress its pictures in Word (File → Compress Pictures) or send large tables as separate attachments.`,
    );
  }
  if (bytes.length === 0) throw new DocxError('the file is empty. Save the document again from Word as a .docx and import that file.');
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw new DocxError(
      'this is an old Word 97–2003 (.doc) file or a password-protected document, not a .docx. Open it in Word or WPS, remove any password, choose Save As → Word Document (.docx), and import that file.',
    );
  }
  if (!startsWith(bytes, [0x50, 0x4b])) {
    const kind = startsWith(bytes, [0x25, 0x50, 0x44, 0x46])
      ? 'a PDF'
      : startsWith(bytes, [0x7b, 0x5c, 0x72, 0x74, 0x66])
        ? 'an RTF document'
        : 'not a ZIP package';
    throw new DocxError(
      `this is ${kind}, so it is not a .docx (a .docx is a ZIP package of XML files). Open it in Word or WPS, save it as Word Document (.docx), and import that file.`,
    );
  }
  let names: string[];
  let entries: ReturnType<typeof zipEntries>;
  try {
    entries = zipEntries(bytes);
    names = entries.map((entry) => entry.name);
  } catch (error) {
    if (!(error instanceof ZipError)) throw error;
    throw new DocxError(
      `the .docx is damaged: ${error.message}. Ask the department to send it again, or open it in Word (which offers to repair it) and save it as a new .docx.`,
    );
  }
  if (!names.includes('word/document.xml')) {
    const kind = names.includes('xl/workbook.xml')
      ? 'an Excel workbook'
      : names.includes('ppt/presentation.xml')
        ? 'a PowerPoint presentation'
        : 'a ZIP archive';
    throw new DocxError(
      `this is ${kind}, not a Word document: it has no word/document.xml. Import the .docx the department sent; attach other files to the article with \`attachments\`.`,
    );
  }

  const images: DocxImage[] = [];
  let result: Awaited<ReturnType<typeof mammoth.convertToHtml>>;
  try {
    result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes) },
      {
        styleMap: ["p[style-name='Title'] => h1.title:fresh", "p[style-name='Subtitle'] => p:fresh"],
        // Linked (not embedded) pictures would make mammoth read files named by the document.
        externalFileAccess: false,
        convertImage: mammoth.images.imgElement(async (image) => {
          const index = images.length + 1;
          try {
            images.push({ index, contentType: image.contentType, bytes: await image.readAsBuffer() });
          } catch (error) {
            // mammoth's own message here is a TypeError about its zip reader; say what it means.
            images.push({ index, contentType: image.contentType, problem: `its picture is not inside the .docx (${(error as Error).message})` });
          }
          return { src: imageSource(index) };
        }),
      },
    );
  } catch (error) {
    throw new DocxError(
      `the .docx could not be read (${(error as Error).message.split('\n')[0]}). The file is probably damaged: open it in Word (which offers to repair it), save it as a new .docx and import that file.`,
    );
  }
  const blocks = toBlocks(parseMammothHtml(result.value));
  const embedded: EmbeddedFile[] = [];
  for (const entry of entries) {
    if (!entry.name.startsWith('word/embeddings/') || entry.name.endsWith('/')) continue;
    try {
      embedded.push({ name: entry.name.slice('word/embeddings/'.length), bytes: readZipEntry(bytes, entry) });
    } catch (error) {
      if (!(error instanceof ZipError)) throw error;
      throw new DocxError(`the .docx is damaged: ${error.message}. Ask the department to send it again, or open it in Word and save it as a new .docx.`);
    }
  }
  const warnings = [
    ...result.messages.map((message) => message.message),
    ...[...new Set(blocks.unknown)].map((tag) => `Word content converted to <${tag}> was kept as plain text.`),
  ];
  return { ...blocks, images, embedded, warnings };
}
