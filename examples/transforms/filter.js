/**
 * Filter: drop DEBUG events, keep the rest unchanged.
 * @param {string} inJson
 * @return {string} outJson
 */
function process(inJson) {
  const data = JSON.parse(inJson);
  if (data.severity === "DEBUG") {
    return null;
  }
  return inJson;
}
