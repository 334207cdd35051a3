// Stable entry that every serialised provider shim requires at call time (see provider/core/provider.ts).
// Keep this path forever: destroy and refresh of old stacks run the shim stored in their state.
module.exports = require("./dist/runtime");
