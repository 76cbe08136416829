/**
 * Reshape: flatten a nested object, rename a field and remove another.
 * @param {string} inJson
 * @return {string} outJson
 */
function process(inJson) {
  var obj = JSON.parse(inJson);
  obj.city = obj.location.city;
  obj.country = obj.location.country;
  delete obj.location;
  obj.user_name = obj.name;
  delete obj.name;
  delete obj.ssn;
  return JSON.stringify(obj);
}
