import { vi } from "vitest";

// jest-mock-extended 3.x calls the global `jest` (mock<T>(), calledWith); vitest's vi has the same surface.
(globalThis as unknown as { jest: typeof vi }).jest = vi;

// The emulators listen on loopback: never route test traffic through a proxy from the environment.
process.env.NO_PROXY = "127.0.0.1,localhost";
process.env.no_proxy = "127.0.0.1,localhost";
