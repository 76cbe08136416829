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
  if (obj.kind === "redos") {
    return String(/^(a+)+\1$/.test("a".repeat(40) + "!"));
  }
  if (obj.kind === "fill") {
    return String(new Array(5e7).fill(0).length);
  }
  if (obj.kind === "strings") {
    var kept = [];
    for (var i = 0; ; i++) {
      kept.push("payload " + i + " " + inJson);
    }
  }
  return inJson;
}
