// The parts of a press conference's page below its disclosure block: when and where, who
// spoke, the opening statement (发布词) and the questions and answers (答记者问).

import type { Root as HastRoot } from 'hast';
import type { ConferenceDocument, Person, QaPair } from '../src/content/model.ts';
import type { LinkResolver } from '../src/render/html/context.ts';
import { prefixIds } from '../src/render/prefixIds.ts';
import { shiftHeadings } from '../src/render/shiftHeadings.ts';
import type { Result } from './hast.ts';
import { dateTime, fieldList } from './parts.tsx';
import { type InterfaceText, textFor } from './strings.ts';

interface ConferenceOptions {
  renderBody: (markdown: string, resolveLink: LinkResolver) => HastRoot;
  resolveLink: LinkResolver;
  /** Set when the document's language differs from the site's. */
  lang: string | undefined;
}

function person(p: Person, text: InterfaceText): string {
  return p.title === '' ? p.name : text.withNote(p.name, p.title);
}

/** Name with title when the name is the host's or a speaker's. */
function speakerLabel(doc: ConferenceDocument, name: string, text: InterfaceText): string {
  const known = [doc.host, ...doc.speakers].find((p) => p.name === name);
  return known === undefined ? name : person(known, text);
}

function qaPair(doc: ConferenceDocument, pair: QaPair, options: ConferenceOptions): Result {
  const id = `qa-${pair.n}`;
  const text = textFor(doc.lang);
  const answer = options.renderBody(pair.answer, options.resolveLink);
  prefixIds(answer, `${id}-`);
  // Under the question's h3: the answer's own headings (its 注释 too) start at h4.
  shiftHeadings(answer, 2);
  return (
    <li>
      <section id={id} class="qa-pair" aria-labelledby={`${id}-question`}>
        <h3 id={`${id}-question`} class="question" lang={options.lang}>
          <span class="qa-label">{text.conference.question}</span>
          {pair.askedBy === undefined ? undefined : <span class="asked-by">{text.labelled(pair.askedBy)}</span>}
          {pair.question}
        </h3>
        <div class="answer" lang={options.lang}>
          <p class="answered-by">
            <span class="qa-label">{text.conference.answer}</span>
            {pair.answeredBy === undefined ? undefined : text.labelled(speakerLabel(doc, pair.answeredBy, text))}
          </p>
          {answer}
        </div>
        <p class="self-link">
          <a href={`#${id}`} aria-label={text.conference.questionLink(pair.n)}>
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
  // The conference's own parts speak its language; `lang` is set when that is not the site's.
  const text = textFor(doc.lang);
  const sections: Result[] = [
    <section class="conference-info" aria-labelledby="conference-info-title" lang={options.lang}>
      <h2 id="conference-info-title">{text.conference.info}</h2>
      {fieldList('conference-fields', [
        { term: text.conference.time, value: dateTime(doc.date, doc.time, text.date) },
        { term: text.conference.venue, value: doc.venue },
        { term: text.conference.host, value: person(doc.host, text) },
        {
          term: text.conference.speakers,
          value: (
            <ul class="speakers">
              {doc.speakers.map((s) => (
                <li>{person(s, text)}</li>
              ))}
            </ul>
          ),
        },
      ])}
    </section>,
    <section class="statement" aria-labelledby="statement-title" lang={options.lang}>
      <h2 id="statement-title">{text.conference.statement}</h2>
      <div class="document-body" lang={options.lang}>
        {body}
      </div>
    </section>,
  ];
  if (doc.qa.length > 0) {
    sections.push(
      <section class="qa" aria-labelledby="qa-title" lang={options.lang}>
        <h2 id="qa-title">{text.conference.questions}</h2>
        <ol class="qa-list">{doc.qa.map((pair) => qaPair(doc, pair, options))}</ol>
      </section>,
    );
  }
  return sections;
}
