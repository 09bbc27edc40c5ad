import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// The Fluent files live in ../assets/locales, shared with the Rust side.
export default defineConfig({
  plugins: [preact()],
  clearScreen: false,
  server: { port: 5173, strictPort: true, fs: { allow: [".."] } },
  build: { target: "safari13", outDir: "dist", emptyOutDir: true },
});
