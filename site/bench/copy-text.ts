// "Copy as JSON": the clipboard where the browser allows it, else the text shown selected in
// a box, ready for Ctrl+C (a page without the clipboard permission, or an older browser).

export async function copyText(text: string, fallback: HTMLTextAreaElement): Promise<'copied' | 'shown'> {
  try {
    await navigator.clipboard.writeText(text);
    fallback.hidden = true;
    return 'copied';
  } catch {
    fallback.value = text;
    fallback.hidden = false;
    fallback.focus();
    fallback.select();
    return 'shown';
  }
}
