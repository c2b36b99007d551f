/**
 * Network registration reports: `+CREG`, `+CGREG`, `+CEREG`, `+C5GREG` (3GPP TS 27.007 §7.2, §10.1.20,
 * §10.1.22, §10.1.31). The read command answers `<n>,<stat>[,<lac>,<ci>[,<AcT>…]]`; the unsolicited
 * report leaves `<n>` out: `<stat>[,<lac>,<ci>[,<AcT>…]]`. Real modems bend both
 * (fixtures/field/registration.json, from ModemManager's test-modem-helpers.c):
 * - unsolicited reports that repeat `<n>` (Sony Ericsson MD400 `+CREG: 2,5,"0502","0404736D"`,
 *   Samsung S8500, Alcatel X220D, Altair);
 * - a routing-area field between the area code and the cell id (Novatel `+CEREG: 1, 1F00, 20 ,79D903 ,7`),
 *   and `+CGREG`'s own `<rac>` after `<AcT>`;
 * - leading zeros (`+CREG:002,001,…`), unquoted or quoted hex, spaces anywhere, empty fields.
 * So fields are read by what they look like, not only by position: an area code is hex (usually
 * quoted or four digits), a `<stat>` is a small decimal.
 */
export interface RegistrationReport {
  /** `<n>`, the reporting mode, when the line carries it. */
  n?: number;
  /** `<stat>`, undefined when the field is empty or not a number. */
  stat?: number;
  /** Location or tracking area code, upper-case hex without quotes. */
  lac?: string;
  /** Cell id, upper-case hex without quotes. */
  ci?: string;
  /** `<AcT>` (27.007 §7.3: 0 GSM … 7 E-UTRAN … 11 NR), when given as a decimal. */
  act?: number;
  /** Routing area code, when present (`+CGREG` `<rac>`, or Novatel's field after the area code). */
  rac?: string;
}

/** Whether the answer came from the read command (`AT+CREG?`) or unsolicited. */
export type RegistrationOrigin = 'query' | 'unsolicited';

/** Parses the values after `+CREG:`/`+CGREG:`/`+CEREG:`/`+C5GREG:`. */
export function parseRegistration(values: string, origin: RegistrationOrigin): RegistrationReport {
  const fields = values.split(',').map((f) => f.trim().replace(/^"|"$/g, '').trim());
  const withN = origin === 'query' ? fields.length >= 2 : repeatsN(fields);
  const report: RegistrationReport = {};
  if (withN) {
    const n = decimal(fields[0]);
    if (n !== undefined) report.n = n;
  }
  const [statField, ...rest] = withN ? fields.slice(1) : fields;
  const stat = decimal(statField);
  if (stat !== undefined) report.stat = stat;
  // Novatel puts a 1–2 digit routing area between the area code and the cell id (four fields
  // after <stat>, where 27.007 has three or five).
  const racInside = rest.length === 4 && (rest[1]?.length ?? 0) <= 2 && (rest[2]?.length ?? 0) > 2;
  const [lac, second, third, fourth] = rest;
  const ci = racInside ? third : second;
  const act = racInside ? fourth : third;
  const rac = racInside ? second : fourth;
  if (isHex(lac)) report.lac = lac.toUpperCase();
  if (isHex(ci)) report.ci = ci.toUpperCase();
  const accessTechnology = decimal(act);
  if (accessTechnology !== undefined) report.act = accessTechnology;
  // +CGREG's <rac> is the fourth field after <stat> (27.007 §10.1.20); +C5GREG has more fields, none a RAC.
  if ((racInside || rest.length === 4) && isHex(rac) && rac.length <= 2) report.rac = rac.toUpperCase();
  return report;
}

/**
 * An unsolicited report starts with `<stat>`; some modems repeat `<n>` first. It does when its
 * second field is a bare decimal of 1–3 digits (a `<stat>`, never a four-digit or quoted area code)
 * and the field count fits `<n>,<stat>[,<lac>,<ci>…]` better than `<stat>,<lac>,<ci>,<AcT>`: with
 * four fields, a last field that is an `<AcT>` (decimal) means there is no `<n>`.
 */
function repeatsN(fields: readonly string[]): boolean {
  const second = fields[1];
  if (fields.length < 2 || second === undefined || !/^\d{1,3}$/.test(second) || decimal(fields[0]) === undefined) return false;
  if (fields.length === 4) return decimal(fields[3]) === undefined;
  return true;
}

function decimal(field: string | undefined): number | undefined {
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : undefined;
}

function isHex(field: string | undefined): field is string {
  return field !== undefined && /^[0-9A-Fa-f]+$/.test(field);
}
