// A standard EventSource client (the `eventsource` npm package, which
// follows the WHATWG rules: reconnects after a stream ends, stops on 204 or
// any other non-200 answer) against the API's job event stream.
//
//   node eventsource_client.mjs URL [TIMEOUT_MS]
//
// Prints one JSON line per happening: {"type":"open"}, {"type":"event",
// "event","id","data"} for every event whatever its name, {"type":"error",
// "code","readyState"}, and {"type":"closed"} when the client has given up
// (readyState CLOSED), then exits 0. Exits 2 if still going after TIMEOUT_MS
// (default 30000), i.e. it would have reconnected forever.
import { EventSource } from 'eventsource';

const [url, timeoutArg] = process.argv.slice(2);
if (!url) {
  console.error('usage: node eventsource_client.mjs URL [TIMEOUT_MS]');
  process.exit(64);
}
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const es = new EventSource(url);
// Named events only reach listeners registered for their name: see every
// event by watching what the client dispatches.
const dispatch = es.dispatchEvent.bind(es);
es.dispatchEvent = (ev) => {
  if (ev.type === 'open') {
    print({ type: 'open' });
  } else if (ev.type === 'error') {
    print({ type: 'error', code: ev.code ?? null, readyState: es.readyState });
  } else {
    print({ type: 'event', event: ev.type, id: ev.lastEventId, data: JSON.parse(ev.data) });
  }
  const result = dispatch(ev);
  if (ev.type === 'error' && es.readyState === EventSource.CLOSED) {
    print({ type: 'closed' });
    process.exit(0);
  }
  return result;
};

setTimeout(() => {
  print({ type: 'timeout', readyState: es.readyState });
  process.exit(2);
}, Number(timeoutArg ?? 30000));
