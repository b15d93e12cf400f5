// Test helper: a strict little XML reader (elements, attributes, text, the five entities) for checking reports element by element.

/** One element: name, attributes, child elements and its own text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(\w+);/g, (m, e: string) => {
    if (!(e in ENTITIES)) throw new Error(`unknown entity ${m}`);
    return ENTITIES[e];
  });
}

/** Parses one document with a declaration and a single root; anything malformed throws. */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (!decl) throw new Error('missing XML declaration');
  i = decl[0].length;
  const skipWs = () => {
    while (/\s/.test(xml[i] ?? '')) i++;
  };
  const element = (): XmlElement => {
    const open = /^<([A-Za-z][\w-]*)((?:\s+[A-Za-z][\w-]*="[^"<]*")*)\s*(\/?)>/.exec(xml.slice(i));
    if (!open) throw new Error(`expected an element at ${i}: ${xml.slice(i, i + 30)}`);
    i += open[0].length;
    const attrs: Record<string, string> = {};
    for (const m of open[2].matchAll(/([A-Za-z][\w-]*)="([^"]*)"/g)) {
      if (m[1] in attrs) throw new Error(`duplicate attribute ${m[1]}`);
      attrs[m[1]] = decode(m[2]);
    }
    const el: XmlElement = { name: open[1], attrs, children: [], text: '' };
    if (open[3]) return el;
    for (;;) {
      const close = `</${el.name}>`;
      if (xml.startsWith(close, i)) {
        i += close.length;
        return el;
      }
      if (xml[i] === '<') el.children.push(element());
      else {
        const end = xml.indexOf('<', i);
        if (end < 0) throw new Error(`unclosed <${el.name}>`);
        el.text += decode(xml.slice(i, end));
        i = end;
      }
    }
  };
  const root = element();
  skipWs();
  if (i !== xml.length) throw new Error('content after the root element');
  return root;
}
