/**
 * Building Markdown for hovers out of untrusted strings. No `vscode` import.
 *
 * Rules: every untrusted string goes through `escapeMarkdown` (all ASCII punctuation backslash-escaped,
 * so no emphasis, links, autolinks, HTML or theme icons can be formed); links are only made from https
 * URLs that parse, carry no credentials and have link-breaking characters percent-encoded; command links
 * only name commands from an allow-list.
 */
import { cleanText } from './text';

/** Escapes text so that Markdown renders it literally. */
export function escapeMarkdown(value: unknown, maxLength = 300): string {
  return cleanText(value, maxLength).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/** Characters that could end or alter a Markdown link destination, percent-encoded. */
function encodeLinkDestination(href: string): string {
  return href.replace(/[()<>"'`\\[\] {}|^]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * The URL as a safe https link destination, or undefined when it is not an https URL
 * (or carries credentials). Only https is ever linked.
 */
export function safeHttpsUrl(value: string | undefined): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return undefined;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u0020\u007f-\u009f]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || !url.hostname) return undefined;
  return encodeLinkDestination(url.href);
}

/** `[text](https://…)`, or the escaped text alone when the URL is not a safe https URL. */
export function link(text: string, url: string | undefined): string {
  const href = safeHttpsUrl(url);
  const label = escapeMarkdown(text);
  return href ? `[${label}](${href})` : label;
}

/** Percent-encodes everything that encodeURIComponent leaves and Markdown would treat specially. */
function encodeCommandArgs(args: unknown[]): string {
  return encodeURIComponent(JSON.stringify(args)).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A command link for one of `allowed`; throws for any other command (a programming error). */
export function commandLink(text: string, command: string, args: unknown[], allowed: readonly string[]): string {
  if (!allowed.includes(command) || !/^[A-Za-z0-9_.-]+$/.test(command)) {
    throw new Error(`command ${command} is not allowed in hover links`);
  }
  const query = args.length ? `?${encodeCommandArgs(args)}` : '';
  return `[${escapeMarkdown(text)}](command:${command}${query})`;
}
