/**
 * The densification exponent of a sequence of graphs: the power a in e ∝ n^a, where
 * n and e are the vertices and edges of each graph, fitted by least squares on
 * log e = a·log n + c. a = 1 means the average degree stays constant as graphs grow;
 * a > 1 means larger graphs are denser (Leskovec, Kleinberg and Faloutsos, "Graphs over
 * Time: Densification Laws, Shrinking Diameters and Possible Explanations", KDD 2005).
 * The least-squares solve is ml-matrix's (QR decomposition of the design matrix).
 */
import { Matrix, solve } from "ml-matrix";

const MODULE = "telemetry-lab/graph/densification";

/** The fitted law e ≈ exp(c)·n^a. */
export interface Densification {
  /** The exponent a. */
  exponent: number;
  /** The intercept c of log e = a·log n + c (natural logarithms). */
  intercept: number;
  /** Coefficient of determination of the fit on the log–log scale. */
  r2: number;
  /** Graphs used (those with n > 0 and e > 0). */
  graphs: number;
}

/**
 * Fits e ∝ n^a over the graphs with at least one vertex and one edge.
 *
 * @example
 * densification([10, 100, 1000], [20, 400, 8000])
 * // { exponent: 1.301…, intercept: 0.0…, r2: 1, graphs: 3 }
 */
export function densification(vertices: ArrayLike<number>, edges: ArrayLike<number>): Densification {
  if (vertices.length !== edges.length) throw new Error(`${MODULE}: ${vertices.length} vertex counts but ${edges.length} edge counts`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < vertices.length; i++) {
    if (vertices[i]! > 0 && edges[i]! > 0) {
      xs.push(Math.log(vertices[i]!));
      ys.push(Math.log(edges[i]!));
    }
  }
  if (xs.length < 2 || xs.every((x) => x === xs[0])) throw new Error(`${MODULE}: need at least two graphs of different sizes, got ${xs.length}`);
  const X = new Matrix(xs.map((x) => [x, 1]));
  const beta = solve(X, Matrix.columnVector(ys));
  const a = beta.get(0, 0);
  const c = beta.get(1, 0);
  const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < xs.length; i++) {
    ssRes += (ys[i]! - (a * xs[i]! + c)) ** 2;
    ssTot += (ys[i]! - mean) ** 2;
  }
  return { exponent: a, intercept: c, r2: ssTot > 0 ? 1 - ssRes / ssTot : 1, graphs: xs.length };
}
