"use strict";
// telemetry-lab's stand-in for @tensorflow/tfjs (and, through vendor/tfjs-node-lite, for
// @tensorflow/tfjs-node), which danfojs-node loads. danfojs-node 1.1.2 uses tf.tensor,
// tf.tensor1d/2d, tf.scalar, tf.moments, tf.Tensor and tf.data (DataFrame.sample), and
// a few chained tensor methods: the TensorFlow.js core, its CPU backend and tf.data
// provide them at about 50 MB, instead of about 400 MB for the full union package and
// the native libtensorflow (no layers, converter, WebGL backend).
const core = require("@tensorflow/tfjs-core");
require("@tensorflow/tfjs-backend-cpu");
const data = require("@tensorflow/tfjs-data");

// Chained tensor methods (t.sqrt(), t.add(u), ...): the union package registers them
// (tfjs-core/src/public/chained_ops); tfjs-core's CommonJS bundle does not. Each is
// op(this, ...args), as there.
const CHAINED = [
  "abs", "add", "all", "any", "argMax", "argMin", "ceil", "clipByValue", "concat", "cos", "cumsum", "div", "divNoNan",
  "dot", "equal", "exp", "expandDims", "floor", "floorDiv", "gather", "greater", "greaterEqual", "isFinite", "isInf",
  "isNaN", "less", "lessEqual", "log", "logicalAnd", "logicalNot", "logicalOr", "matMul", "max", "maximum", "mean",
  "min", "minimum", "mod", "mul", "neg", "norm", "notEqual", "pow", "prod", "relu", "reshape", "reverse", "round",
  "sigmoid", "sign", "sin", "slice", "sqrt", "square", "squaredDifference", "squeeze", "sub", "sum", "tanh", "tile",
  "transpose", "unstack",
];
const proto = core.Tensor.prototype;
for (const name of CHAINED) {
  if (typeof core[name] !== "function" || typeof proto[name] === "function") continue;
  const op = core[name];
  proto[name] = function (...args) {
    this.throwIfDisposed();
    return op(this, ...args);
  };
}
const CASTS = { toFloat: "float32", toInt: "int32", toBool: "bool" };
for (const [name, dtype] of Object.entries(CASTS)) {
  if (typeof proto[name] !== "function") proto[name] = function () { return core.cast(this, dtype); };
}
if (typeof proto.asType !== "function") proto.asType = function (dtype) { return core.cast(this, dtype); };
if (typeof proto.flatten !== "function") proto.flatten = function () { return core.reshape(this, [this.size]); };

// The CPU backend greets Node users once, on stdout of whatever runs (a notebook cell),
// suggesting the native backend that this stand-in exists to avoid: mark it greeted.
const backend = core.backend();
if (backend && "firstUse" in backend) backend.firstUse = false;

module.exports = Object.assign({}, core, { data });
