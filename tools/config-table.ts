/** `npm run config:table`: the README's configuration table, generated from config.ts (a test keeps them equal). */
import { configurationTable } from "../config";

process.stdout.write(`${configurationTable()}\n`);
