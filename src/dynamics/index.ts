/**
 * Role dynamics: from per-interval role memberships (and interval graphs) to anomaly
 * scores per (vertex, interval), `lanl-method.md` §1d. One concept per module:
 *
 * | module          | score or part                                                     |
 * |-----------------|-------------------------------------------------------------------|
 * | `frame`         | RoleFrame / ScoreFrame contract, reading roles tables             |
 * | `vertex-index`  | global vertex ids for per-vertex state in typed arrays            |
 * | `distance`      | L1, TV, Hellinger, Jensen–Shannon, cosine between role rows       |
 * | `baseline`      | previous, static, EWMA and seasonal baselines                     |
 * | `role-change`   | d(P(t), baseline), appearing vertices NaN                         |
 * | `standardize`   | per-vertex z and robust z against the vertex's own history        |
 * | `transition`    | DBMM-style global transition matrix and its residual; role mass   |
 * | `residual`      | NMF reconstruction residual ("fits no known role")                |
 * | `novelty`       | first-seen vertex, first-seen neighbours (with `pair-set`)        |
 * | `combine`       | rank-normalised sum or max of several scores                      |
 * | `network`       | network-level score per interval (mean, top-k mean)               |
 *
 * Every scorer streams over frames in time order (`push(frame)`), with a lazy
 * generator form over an iterable (`scoreFrames`, `transitionScores`, …).
 */
export * from "./frame.js";
export * from "./vertex-index.js";
export * from "./distance.js";
export * from "./baseline.js";
export * from "./role-change.js";
export * from "./standardize.js";
export * from "./transition.js";
export * from "./residual.js";
export * from "./pair-set.js";
export * from "./novelty.js";
export * from "./combine.js";
export * from "./network.js";
