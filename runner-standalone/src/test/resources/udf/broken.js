function process(inJson) {
  var x = ;
  return inJson;
}
