'use strict';
// A helper that lives in the repository: installed from a folder, not from a registry.
exports.greet = (name) => `Hello, ${name}!`;
