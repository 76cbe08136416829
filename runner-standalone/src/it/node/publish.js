// Publishes batches with attributes and ordering keys through Google's Node.js client to a
// Pub/Sub REST endpoint: node publish.js HOST:PORT PROJECT TOPIC COUNT
// Prints one JSON line: {"published":N,"ids":[...]}.
'use strict';

const {PubSub} = require('@google-cloud/pubsub');
const {PassThroughClient} = require('google-auth-library');

async function main() {
  const [endpoint, project, topicName, countText] = process.argv.slice(2);
  const count = Number(countText);
  const pubsub = new PubSub({
    projectId: project,
    // host:port: the REST transport takes the port from here, not from `port`.
    apiEndpoint: endpoint,
    // dcp's endpoint speaks REST over plain HTTP and needs no Google credentials.
    fallback: 'rest',
    protocol: 'http',
    authClient: new PassThroughClient(),
  });
  const topic = pubsub.topic(topicName, {
    batching: {maxMessages: 100, maxMilliseconds: 20},
    messageOrdering: true,
  });
  const [exists] = await topic.exists();
  if (!exists) {
    throw new Error(`topic ${topicName} not found`);
  }
  const symbols = ['AAPL', 'MSFT', 'NVDA', 'AMZN'];
  const pending = [];
  for (let i = 0; i < count; i++) {
    const symbol = symbols[i % symbols.length];
    pending.push(
      topic.publishMessage({
        data: Buffer.from(JSON.stringify({id: i, symbol, bid: `${100 + (i % 50)}.${String(i % 100).padStart(2, '0')}`})),
        attributes: {origin: 'node', seq: String(i)},
        orderingKey: symbol,
      })
    );
  }
  const ids = await Promise.all(pending);
  await topic.flush();
  await pubsub.close();
  process.stdout.write(JSON.stringify({published: ids.length, ids}) + '\n');
}

main().catch(err => {
  process.stderr.write(`publish failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
