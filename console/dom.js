// A tiny element builder: enough for a few tables, without a library to vendor and keep.

/** h('td', { class: 'x', 'data-sid': sid }, 'text', childNode…): attributes set as given, children appended. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) if (child !== undefined && child !== null) element.append(child);
  return element;
}

/** A sandbox time (ms) as HH:MM:SS.mmm in UTC, the zone of the API's dates. */
export function clock(ms) {
  return new Date(ms).toISOString().slice(11, 23);
}
