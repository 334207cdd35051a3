import * as path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
    resolve: {
        // examples import the package by name, as a user's program does
        alias: { "pulumi-telephony": path.resolve(__dirname, "provider/index.ts") },
    },
    test: {
        include: ["test/**/*.test.ts"],
        setupFiles: ["test/setup.ts"],
        testTimeout: 30_000,
        hookTimeout: 30_000,
        // protocol tests spawn provider processes; two cores, so keep files from starving each other
        maxWorkers: 2,
    },
});
