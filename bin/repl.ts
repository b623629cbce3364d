/**
 * The Moleculer REPL joined to the running cluster: a broker with the same config (REDIS_URL, NAMESPACE) and no
 * services. Try: `nodes`, `services`, `call diagnosis.submit --load examples/window.json`, `call monitor.streams`.
 */
import { ServiceBroker } from "moleculer";
import { loadConfigOrExit } from "../config";
import { brokerConfig } from "../moleculer.config";
import { parseCommandLine } from "../cli/args";

parseCommandLine("repl", "npm run repl (no options: REDIS_URL, NAMESPACE and NODE_ID from the environment)", { options: {} });

const config = loadConfigOrExit();
const broker = new ServiceBroker(brokerConfig({ ...config, broker: { ...config.broker, nodeId: config.broker.nodeId ?? `repl-${process.pid}` } }));

broker
  .start()
  .then(() => broker.repl())
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
