function process(inJson) {
  var obj = JSON.parse(inJson);
  if (obj.kind === "throw") {
    throw new Error("no kind " + obj.kind);
  }
  if (obj.kind === "text") {
    return "not json";
  }
  if (obj.kind === "object") {
    return obj;
  }
  if (obj.kind === "loop") {
    while (true) {}
  }
  if (obj.kind === "java") {
    return String(Java.type("java.lang.System").getenv("HOME"));
  }
  if (obj.kind === "huge") {
    return "x".repeat(100000000);
  }
  return inJson;
}
