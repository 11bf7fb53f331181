// Starts memlens.
//
// The page's Content-Security-Policy allows no inline script, so the page loads this file in
// place of the inline loader Trunk writes by default. Trunk puts the names of the JavaScript
// glue and the WebAssembly file, which carry a content hash, on this script's tag.
const tag = document.querySelector('script[data-js][data-wasm]');
const glue = await import(new URL(tag.dataset.js, document.baseURI).href);
await glue.default({ module_or_path: new URL(tag.dataset.wasm, document.baseURI) });
