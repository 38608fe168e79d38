// The parts of a press conference's page below its disclosure block: when and where, who
// spoke, the opening statement (发布词) and the questions and answers (答记者问).

import type { Root as HastRoot } from 'hast';
import type { ConferenceDocument, Person, QaPair } from '../src/content/model.ts';
import type { LinkResolver } from '../src/render/html/context.ts';
import { prefixIds } from '../src/render/prefixIds.ts';
import { shiftHeadings } from '../src/render/shiftHeadings.ts';
import type { Result } from './hast.ts';
import { dateTime, fieldList } from './parts.tsx';

interface ConferenceOptions {
  renderBody: (markdown: string, resolveLink: LinkResolver) => HastRoot;
  resolveLink: LinkResolver;
  /** Set when the document's language differs from the site's. */
  lang: string | undefined;
}

function person(p: Person): string {
  return p.title === '' ? p.name : `${p.name}（${p.title}）`;
}

/** Name with title when the name is the host's or a speaker's. */
function speakerLabel(doc: ConferenceDocument, name: string): string {
  const known = [doc.host, ...doc.speakers].find((p) => p.name === name);
  return known === undefined ? name : person(known);
}

function qaPair(doc: ConferenceDocument, pair: QaPair, options: ConferenceOptions): Result {
  const id = `qa-${pair.n}`;
  const answer = options.renderBody(pair.answer, options.resolveLink);
  prefixIds(answer, `${id}-`);
  // Under the question's h3: the answer's own headings (its 注释 too) start at h4.
  shiftHeadings(answer, 2);
  return (
    <li>
      <section id={id} class="qa-pair" aria-labelledby={`${id}-question`}>
        <h3 id={`${id}-question`} class="question" lang={options.lang}>
          <span class="qa-label">问</span>
          {pair.askedBy === undefined ? undefined : <span class="asked-by">{pair.askedBy}：</span>}
          {pair.question}
        </h3>
        <div class="answer" lang={options.lang}>
          <p class="answered-by">
            <span class="qa-label">答</span>
            {pair.answeredBy === undefined ? undefined : `${speakerLabel(doc, pair.answeredBy)}：`}
          </p>
          {answer}
        </div>
        <p class="self-link">
          <a href={`#${id}`} aria-label={`第${pair.n}问的链接`}>
            #{pair.n}
          </a>
        </p>
      </section>
    </li>
  );
}

/** Everything of a conference page between the disclosure block and the attachments. */
export function conferenceSections(doc: ConferenceDocument, body: HastRoot, options: ConferenceOptions): Result[] {
  // Under the h2 发布词: the statement's headings start at h3.
  shiftHeadings(body, 1);
  const sections: Result[] = [
    <section class="conference-info" aria-labelledby="conference-info-title">
      <h2 id="conference-info-title">发布会信息</h2>
      {fieldList('conference-fields', [
        { term: '时间', value: dateTime(doc.date, doc.time) },
        { term: '地点', value: doc.venue },
        { term: '主持人', value: person(doc.host) },
        {
          term: '发布人',
          value: (
            <ul class="speakers">
              {doc.speakers.map((s) => (
                <li>{person(s)}</li>
              ))}
            </ul>
          ),
        },
      ])}
    </section>,
    <section class="statement" aria-labelledby="statement-title">
      <h2 id="statement-title">发布词</h2>
      <div class="document-body" lang={options.lang}>
        {body}
      </div>
    </section>,
  ];
  if (doc.qa.length > 0) {
    sections.push(
      <section class="qa" aria-labelledby="qa-title">
        <h2 id="qa-title">答记者问</h2>
        <ol class="qa-list">{doc.qa.map((pair) => qaPair(doc, pair, options))}</ol>
      </section>,
    );
  }
  return sections;
}
