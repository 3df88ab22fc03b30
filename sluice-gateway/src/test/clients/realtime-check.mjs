// Drives the pinned OpenAI JS SDK's Realtime WebSocket client (openai/realtime/ws, on the `ws` package)
// through Sluice: opens a session for <model>, sends a user message and response.create, waits for
// response.done, checks the transcript (deltas joined, equal to the done event's) and the usage, closes.
// The SDK always dials wss:// (buildRealtimeURL sets the protocol), so for a plain-HTTP Sluice on
// 127.0.0.1 the socket is made with net.connect (ws's createConnection option): the URL stays wss,
// the bytes are plain WebSocket.
// Usage: node realtime-check.mjs <sluice base URL> <client key> <model>
// Prints one JSON line: {type counts, transcript, usage, audioBytes, closeCode}; exits 1 on a failed check.
import net from 'node:net';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';

const [base, key, model] = process.argv.slice(2);
if (!base || !key || !model) {
  console.error('usage: node realtime-check.mjs <base URL> <key> <model>');
  process.exit(2);
}
const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: key });
const plain = (opts) => net.connect({ host: opts.host, port: Number(opts.port) });

function fail(message) {
  console.error(`realtime-check: ${message}`);
  process.exit(1);
}

const timer = setTimeout(() => fail('no response.done within 20 s'), 20_000);
const rt = new OpenAIRealtimeWS({ model, options: { createConnection: plain } }, client);
const types = {};
let transcript = '';
let audioBytes = 0;
let doneTranscript = null;
let sessionModel = null;

rt.on('error', (err) => fail(`error: ${err?.message ?? JSON.stringify(err)}`));
rt.on('event', (e) => {
  types[e.type] = (types[e.type] ?? 0) + 1;
});
rt.on('session.created', (e) => {
  sessionModel = e.session?.model ?? null;
  rt.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello from the sdk' }] },
  });
  rt.send({ type: 'response.create' });
});
rt.on('response.output_audio_transcript.delta', (e) => { transcript += e.delta; });
rt.on('response.output_audio.delta', (e) => { audioBytes += Buffer.from(e.delta, 'base64').length; });
rt.on('response.output_audio_transcript.done', (e) => { doneTranscript = e.transcript; });
rt.on('response.done', (e) => {
  clearTimeout(timer);
  const usage = e.response?.usage;
  if (!transcript) fail('empty transcript');
  if (doneTranscript !== transcript) fail(`transcript deltas ${JSON.stringify(transcript)} != done ${JSON.stringify(doneTranscript)}`);
  if (e.response?.status !== 'completed') fail(`status ${e.response?.status}`);
  if (!usage || !(usage.input_tokens > 0) || !(usage.output_tokens > 0)) fail(`usage ${JSON.stringify(usage)}`);
  rt.socket.once('close', (code) => {
    console.log(JSON.stringify({ types, transcript, usage, audioBytes, sessionModel, closeCode: code }));
    process.exit(0);
  });
  rt.close({ code: 1000, reason: 'done' });
});
