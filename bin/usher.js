#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx transpiles on load, no build step).
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
