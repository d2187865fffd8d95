// The confusion matrix on the test rows as a table: one row per true digit, one column per
// predicted digit, each cell shaded by its share of its row (blue on the diagonal, where the
// net is right; red off it).

export function renderConfusion(table: HTMLTableElement, confusion: readonly (readonly number[])[]): void {
  const classes = confusion.length;
  const head = table.createTHead();
  head.replaceChildren();
  const corner = document.createElement('th');
  corner.className = 'corner';
  corner.innerHTML = '<span>true ↓</span><span>predicted →</span>';
  const top = head.insertRow();
  top.append(corner);
  for (let p = 0; p < classes; p++) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = String(p);
    top.append(th);
  }
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren();
  confusion.forEach((counts, t) => {
    const row = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = String(t);
    row.append(th);
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    counts.forEach((count, p) => {
      const cell = row.insertCell();
      cell.textContent = count ? String(count) : '';
      const share = count / total;
      const rgb = t === p ? '31, 111, 178' : '196, 52, 42';
      cell.style.background = count ? `rgba(${rgb}, ${(0.12 + 0.88 * share).toFixed(3)})` : '';
      cell.classList.toggle('light', share < 0.5);
      cell.title = `true ${t}, predicted ${p}: ${count} of ${total}`;
    });
  });
}
