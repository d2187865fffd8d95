// Run by test/stream-csv.test.ts in a child process (node --max-semi-space-size=1, so that
// the parser's short-lived garbage is collected young and resident memory shows what the
// fit keeps): a first fit on a small CSV (argv[3]) compiles the code the fit runs, then the
// CSV argv[2] streams through csvSource into a fit of a fresh net, with
// process.memoryUsage().rss sampled every 10 ms; prints the model, the history and the peak
// growth of resident memory over that fit as one line of JSON.
import { csvSource, MLP } from '../../build/node/index.js';

const [path, warmPath, netJSON, fitJSON] = process.argv.slice(2);
const open = (file) => csvSource(file, { classes: ['a', 'b', 'c'], targetType: 'categorical' });
const warm = await MLP.create(JSON.parse(netJSON));
await warm.fitAsync(await open(warmPath), JSON.parse(fitJSON));
warm.dispose();
const source = await open(path);
const net = await MLP.create(JSON.parse(netJSON));
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
const history = await net.fitAsync(source, JSON.parse(fitJSON));
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
process.stdout.write(`${JSON.stringify({ growth: peak - baseline, model: net.toJSON(), history })}\n`);
