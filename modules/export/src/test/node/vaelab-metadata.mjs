// The vaelab.* metadata of an exported model, read from the file's bytes. onnxruntime-node and
// onnxruntime-web do not expose an ONNX model's custom metadata, so this reads the protobuf
// directly: ModelProto field 14 (metadata_props) holds StringStringEntryProto {1: key, 2: value}.
export function vaelabMetadata(bytes) {
  const decoder = new TextDecoder();
  const out = {};
  for (const [field, entry] of fields(bytes, 0, bytes.length)) {
    if (field !== 14) continue;
    let key = '';
    let value = '';
    for (const [f, v] of fields(bytes, entry.start, entry.end)) {
      if (f === 1) key = decoder.decode(bytes.subarray(v.start, v.end));
      if (f === 2) value = decoder.decode(bytes.subarray(v.start, v.end));
    }
    if (key.startsWith('vaelab.')) out[key] = value;
  }
  if (!('vaelab.format' in out)) throw new Error('not a vaelab export: no vaelab.format metadata');
  return out;
}

// The length-delimited fields of a protobuf message as [field number, {start, end}]; others are skipped.
function* fields(bytes, start, end) {
  let pos = start;
  const varint = () => {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      const b = bytes[pos++];
      value += (b & 0x7f) * scale; // no bit shifts: lengths may pass 2^31
      if (b < 0x80) return value;
    }
  };
  while (pos < end) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    switch (tag % 8) {
      case 0: varint(); break;
      case 1: pos += 8; break;
      case 5: pos += 4; break;
      case 2: {
        const length = varint();
        yield [field, { start: pos, end: pos + length }];
        pos += length;
        break;
      }
      default: throw new Error(`unsupported protobuf wire type ${tag % 8}`);
    }
  }
}
