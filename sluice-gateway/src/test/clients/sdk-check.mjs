// Drives the pinned Anthropic and OpenAI JS SDKs through Sluice: for each model given, a whole and a
// streamed answer and a tool call round trip (call, then the tool result sent back), in each SDK.
// With --responses first, the OpenAI SDK's Responses API instead (client.responses.create, whole and with
// stream: true, the client.responses.stream helper, and a function tool round trip), each checked here too
// (event order, deltas joined equal to the final text): a failed check is an error.
// Usage: node sdk-check.mjs [--responses] <sluice base URL> <client key> <model>...
// Prints one JSON line: {"<sdk>/<model>/<case>": {...}} with what each call returned; exits 1 on the
// first error (its message on stderr).
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

const args = process.argv.slice(2);
const responsesMode = args[0] === '--responses';
const [base, key, ...models] = responsesMode ? args.slice(1) : args;
const anthropic = new Anthropic({ baseURL: base, apiKey: key, maxRetries: 0, timeout: 20_000 });
const openai = new OpenAI({ baseURL: base + '/v1', apiKey: key, maxRetries: 0, timeout: 20_000 });
const out = {};

const weather = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const fn = {
  type: 'function',
  function: { name: weather.name, description: weather.description, parameters: weather.input_schema },
};

async function anthropicChecks(model) {
  const ask = [{ role: 'user', content: 'Say hello' }];
  const whole = await anthropic.messages.create({ model, max_tokens: 64, messages: ask });
  out[`anthropic/${model}/whole`] = {
    text: whole.content.filter((b) => b.type === 'text').map((b) => b.text).join(''),
    stop: whole.stop_reason, input: whole.usage.input_tokens, output: whole.usage.output_tokens,
  };

  const stream = anthropic.messages.stream({ model, max_tokens: 64, messages: ask });
  let deltas = 0;
  stream.on('text', () => deltas++);
  const streamed = await stream.finalMessage();
  out[`anthropic/${model}/stream`] = {
    text: streamed.content.filter((b) => b.type === 'text').map((b) => b.text).join(''),
    deltas, stop: streamed.stop_reason, output: streamed.usage.output_tokens,
  };

  const question = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const called = await anthropic.messages.stream({ model, max_tokens: 256, tools: [weather], messages: question })
    .finalMessage();
  const use = called.content.find((b) => b.type === 'tool_use');
  const answered = await anthropic.messages.create({
    model, max_tokens: 256, tools: [weather],
    messages: [...question, { role: 'assistant', content: called.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny, 21 C' }] }],
  });
  out[`anthropic/${model}/tool`] = {
    stop: called.stop_reason, name: use.name, input: use.input,
    answer: answered.content.filter((b) => b.type === 'text').map((b) => b.text).join(''),
    answerStop: answered.stop_reason,
  };
}

async function openaiChecks(model) {
  const ask = [{ role: 'user', content: 'Say hello' }];
  const whole = await openai.chat.completions.create({ model, max_tokens: 64, messages: ask });
  out[`openai/${model}/whole`] = {
    text: whole.choices[0].message.content, stop: whole.choices[0].finish_reason,
    input: whole.usage.prompt_tokens, output: whole.usage.completion_tokens,
  };

  const stream = await openai.chat.completions.create({
    model, max_tokens: 64, messages: ask, stream: true, stream_options: { include_usage: true },
  });
  let text = '', deltas = 0, stop = null, usage = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.delta.content) { text += choice.delta.content; deltas++; }
    if (choice.finish_reason) stop = choice.finish_reason;
  }
  out[`openai/${model}/stream`] = { text, deltas, stop, output: usage?.completion_tokens ?? null };

  const question = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const calls = await openai.chat.completions.create({ model, max_tokens: 256, tools: [fn], messages: question, stream: true });
  const pieces = {};
  let id = null, name = null, callStop = null;
  for await (const chunk of calls) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    for (const call of choice.delta.tool_calls ?? []) {
      if (call.id) id = call.id;
      if (call.function?.name) name = call.function.name;
      pieces[call.index] = (pieces[call.index] ?? '') + (call.function?.arguments ?? '');
    }
    if (choice.finish_reason) callStop = choice.finish_reason;
  }
  const args = pieces[0];
  const answered = await openai.chat.completions.create({
    model, max_tokens: 256, tools: [fn],
    messages: [...question,
      { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] },
      { role: 'tool', tool_call_id: id, content: 'sunny, 21 C' }],
  });
  out[`openai/${model}/tool`] = {
    stop: callStop, name, input: JSON.parse(args),
    answer: answered.choices[0].message.content, answerStop: answered.choices[0].finish_reason,
  };
}

function check(ok, what, seen) {
  if (!ok) throw new Error(`${what}${seen === undefined ? '' : `: ${JSON.stringify(seen)}`}`);
}

const fnTool = { type: 'function', name: weather.name, description: weather.description,
  parameters: weather.input_schema, strict: false };

/** Reads a Responses event stream: checks their order, returns the events' types, deltas and final response. */
async function readResponseEvents(stream) {
  const types = [];
  let text = '', deltas = 0, final = null, seq = -1, args = '';
  for await (const event of stream) {
    check(event.sequence_number === seq + 1, 'sequence_number counts up by one', event);
    seq = event.sequence_number;
    check(final === null, 'nothing after the terminal event', event.type);
    types.push(event.type);
    if (event.type === 'response.output_text.delta') { text += event.delta; deltas++; }
    if (event.type === 'response.function_call_arguments.delta') args += event.delta;
    if (['response.completed', 'response.incomplete', 'response.failed'].includes(event.type)) final = event.response;
    if (event.type === 'error') throw new Error(`error event: ${event.message}`);
  }
  check(types[0] === 'response.created', 'response.created first', types);
  check(types[1] === 'response.in_progress', 'response.in_progress second', types);
  check(types.at(-1) === 'response.completed', 'response.completed last', types);
  return { types, text, deltas, final, args };
}

const textOf = (response) => response.output.filter((i) => i.type === 'message')
  .flatMap((i) => i.content).filter((c) => c.type === 'output_text').map((c) => c.text).join('');

async function responsesChecks(model) {
  const chat = await openai.chat.completions.create({
    model, max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }],
  });
  const expected = chat.choices[0].message.content;

  const whole = await openai.responses.create({ model, max_output_tokens: 64, input: 'Say hello' });
  check(whole.object === 'response' && whole.status === 'completed', 'whole: status completed', whole);
  check(whole.output_text === expected, 'whole: output_text is the Chat Completions answer',
    { got: whole.output_text, expected });
  check(whole.usage.input_tokens > 0 && whole.usage.output_tokens > 0, 'whole: usage', whole.usage);
  out[`responses/${model}/whole`] = {
    text: whole.output_text, expected, status: whole.status, model: whole.model,
    input: whole.usage.input_tokens, output: whole.usage.output_tokens,
  };

  const raw = await readResponseEvents(await openai.responses.create({
    model, max_output_tokens: 64, input: 'Say hello', stream: true,
  }));
  check(raw.text === expected && textOf(raw.final) === raw.text, 'stream: deltas joined are the final text',
    { deltas: raw.text, final: textOf(raw.final), expected });
  check(raw.final.status === 'completed', 'stream: status completed', raw.final.status);
  out[`responses/${model}/stream`] = {
    text: raw.text, deltas: raw.deltas, first: raw.types[0], last: raw.types.at(-1), status: raw.final.status,
    input: raw.final.usage.input_tokens, output: raw.final.usage.output_tokens,
  };

  // the SDK's own stream helper, which checks the events against the response it builds from them
  const helper = openai.responses.stream({ model, max_output_tokens: 64, input: 'Say hello' });
  let helperDeltas = 0;
  helper.on('response.output_text.delta', () => helperDeltas++);
  const helped = await helper.finalResponse();
  check(helped.output_text === expected, 'stream helper: final output_text', helped.output_text);
  out[`responses/${model}/helper`] = { text: helped.output_text, deltas: helperDeltas, status: helped.status };

  const question = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const calling = await readResponseEvents(await openai.responses.create({
    model, max_output_tokens: 256, tools: [fnTool], input: question, stream: true,
  }));
  const call = calling.final.output.find((i) => i.type === 'function_call');
  check(call !== undefined, 'tool: a function_call item', calling.final.output);
  check(call.arguments === calling.args, 'tool: argument deltas joined are the final arguments',
    { deltas: calling.args, final: call.arguments });
  const answered = await openai.responses.create({
    model, max_output_tokens: 256, tools: [fnTool],
    input: [...question, call, { type: 'function_call_output', call_id: call.call_id, output: 'sunny, 21 C' }],
  });
  check(answered.status === 'completed', 'tool: answer status completed', answered);
  out[`responses/${model}/tool`] = {
    name: call.name, input: JSON.parse(call.arguments), callId: call.call_id, status: calling.final.status,
    answer: answered.output_text, answerStatus: answered.status,
  };
}

try {
  for (const model of models) {
    if (responsesMode) {
      await responsesChecks(model);
      continue;
    }
    await anthropicChecks(model);
    await openaiChecks(model);
  }
  console.log(JSON.stringify(out));
} catch (e) {
  console.error(`${e.constructor?.name}: ${e.message}`);
  console.log(JSON.stringify(out));
  process.exit(1);
}
