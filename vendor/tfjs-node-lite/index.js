"use strict";
// Stand-in for @tensorflow/tfjs-node (see ../tfjs-lite): the same light TensorFlow.js, CPU backend.
module.exports = require("@tensorflow/tfjs");
