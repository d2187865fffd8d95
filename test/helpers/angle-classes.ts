// A small classification set several suites train on: 30 points in the plane, 3 classes by
// angle (a few labels flipped), one-hot targets.
export const ANGLE_X: number[][] = [];
export const ANGLE_Y: number[][] = [];
for (let i = 0; i < 30; i++) {
  const angle = (i * 2.399963) % (2 * Math.PI);
  const r = 0.3 + ((i * 7) % 11) / 10;
  ANGLE_X.push([r * Math.cos(angle), r * Math.sin(angle)]);
  const k = (Math.floor((angle / (2 * Math.PI)) * 3) + (i % 7 === 0 ? 1 : 0)) % 3;
  ANGLE_Y.push([0, 1, 2].map((j) => (j === k ? 1 : 0)));
}
