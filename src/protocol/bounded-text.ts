// Text a client sent, as Earshot repeats it (in errors, logs and the request log): cut to a limit,
// saying how long it was, so that no answer or record grows with what a client chose to send.

/** Longest piece of a client's text that an error message quotes. */
export const MAX_QUOTED_CHARS = 200;

export function bounded(text: string, max = MAX_QUOTED_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters in all)`;
}
