// Which loaded recognizer serves a request's `model`, or Deepgram's 400 naming the models this server
// has; and what the request asked for that this recognizer cannot do.
import type { Recognizer } from '../engines/recognizer.js';
import type { RecognizerSet } from '../engines/recognizer-set.js';
import { HandshakeError } from '../protocol/failure-codes.js';
import type { ListenOptions } from '../protocol/listen-options.js';
import { shortModel } from './config.js';

export function recognizerForModel(recognizers: RecognizerSet, model: string): Recognizer {
  const recognizer = recognizers.forModel(model);
  if (recognizer) return recognizer;
  const loaded = recognizers.names.join(', ');
  throw new HandshakeError(
    'INVALID_QUERY_PARAMETER',
    `Invalid 'model' value of '${model}'. This server has loaded ${loaded} (start it with --models ${[...new Set([...recognizers.names, model.toLowerCase()])].map(shortModel).join(',')} to add it); Deepgram model names such as nova-3 use the default, ${recognizers.names[0]}.`,
  );
}

/** The query parameters accepted that will change nothing: none of Earshot's engines does them, or not this one. */
export function withoutEffect(options: ListenOptions, recognizer: Recognizer): string[] {
  const { capabilities } = recognizer;
  return [
    ...options.noEffect,
    ...(options.interimResults && !capabilities.interimResults ? ['interim_results'] : []),
    ...(options.keyterms.length > 0 && !capabilities.keyterms ? ['keyterm'] : []),
  ];
}
