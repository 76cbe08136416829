/**
 * Enrich: add a constant field and a field computed from others.
 * @param {string} inJson
 * @return {string} outJson
 */
function process(inJson) {
  var obj = JSON.parse(inJson);
  obj.dataFeed = "Real-time Transactions";
  obj.total = obj.price * obj.quantity;
  return JSON.stringify(obj);
}
