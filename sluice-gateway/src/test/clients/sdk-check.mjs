// Drives the pinned Anthropic and OpenAI JS SDKs through Sluice: for each model given, a whole and a
// streamed answer and a tool call round trip (call, then the tool result sent back), in each SDK.
// Usage: node sdk-check.mjs <sluice base URL> <client key> <model>...
// Prints one JSON line: {"<sdk>/<model>/<case>": {...}} with what each call returned; exits 1 on the
// first error (its message on stderr).
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

const [base, key, ...models] = process.argv.slice(2);
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

try {
  for (const model of models) {
    await anthropicChecks(model);
    await openaiChecks(model);
  }
  console.log(JSON.stringify(out));
} catch (e) {
  console.error(`${e.constructor?.name}: ${e.message}`);
  console.log(JSON.stringify(out));
  process.exit(1);
}
