// Bundle shim for yoctocolors: colourless stand-ins for the names execa's verbose printer (never turned on) imports.
/** Text as given: the real module calls Node's hasColors() as it loads, which warns when NO_COLOR and FORCE_COLOR are both set. */
const plain = (text) => `${text}`;
export { plain as gray, plain as bold, plain as redBright, plain as yellowBright };
