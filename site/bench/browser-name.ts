// The visitor's browser as a short name and version, from the user-agent string (enough to
// label a result; the full string goes into the JSON too).

export function browserName(userAgent: string): string {
  const match = (pattern: RegExp) => userAgent.match(pattern)?.[1];
  const version = (v: string | undefined) => v?.split('.')[0];
  const firefox = match(/Firefox\/([\d.]+)/);
  if (firefox) return `Firefox ${version(firefox)}`;
  const edge = match(/Edg\/([\d.]+)/);
  if (edge) return `Edge ${version(edge)}`;
  const opera = match(/OPR\/([\d.]+)/);
  if (opera) return `Opera ${version(opera)}`;
  const chrome = match(/(?:HeadlessChrome|Chrome|Chromium)\/([\d.]+)/);
  if (chrome) return `${/HeadlessChrome/.test(userAgent) ? 'Headless Chrome' : 'Chrome'} ${version(chrome)}`;
  const safari = /Safari\//.test(userAgent) ? match(/Version\/([\d.]+)/) : undefined;
  if (safari) return `Safari ${version(safari)}`;
  return 'an unknown browser';
}
