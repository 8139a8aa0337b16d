/** Text helpers shared by the benchmarks that write markdown (bench:coverage, bench:rooms). */

/** Breaks prose into lines of at most `width` characters (the docs' style), never inside `inline code`. */
export function wrap(text: string, width = 118, indent = ''): string {
  const words = text.match(/`[^`]*`\S*|\S+/g) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line ? `${line} ${w}` : w;
    if (next.length > width - indent.length && line) {
      lines.push(line);
      line = w;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.map((l, k) => (k ? indent + l : l)).join('\n');
}
