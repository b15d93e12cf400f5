// Bundle shim for yoctocolors, which only execa's verbose printer imports: wg-policy never turns verbose on, and the
// real module calls Node's hasColors() when it loads, which warns on stderr when NO_COLOR and FORCE_COLOR are both set.
const plain = (text) => `${text}`;
export { plain as gray, plain as bold, plain as redBright, plain as yellowBright };
