// Words the staff page's script writes, in Vietnamese and English (the HTML is translated by
// the server template). The words of coded values (status.*, action.*, cert.*) come from the
// server's vocabulary (geo/vocabulary.py) in the page config: addWords(config.words).

export const TEXT = {
  vi: {
    "login.failed": "Sai tên đăng nhập hoặc mật khẩu.", "login.wait": "Đăng nhập sai quá nhiều lần; thử lại sau.",
    "draw.none": "Chưa vẽ ranh giới.", "draw.done": "Đã vẽ ranh giới: {ha} ha.",
    "draw.need": "Hãy vẽ ranh giới vùng trồng trên bản đồ trước.",
    "saved": "Đã lưu bản nháp {name}.", "saved.repaired": "Ranh giới đã được tự sửa: {note}.",
    "done": "{action}: {name} — {status}.", "code": "Mã: {code}",
    "problems": "Không lưu được — kiểm tra lại:", "uploaded": "Đã tải lên {n} vùng trồng.",
    "upload.crsNotes": "Lưu ý về hệ tọa độ của tệp (kiểm tra vị trí trên bản đồ):",
    "error": "Lỗi: ", "confirm.revoke": "Thu hồi mã của vùng trồng này?",
    "rule.overlap": "Chồng lấn vùng khác", "rule.outside_commune": "Nằm ngoài xã",
    "rule.geometry_invalid": "Ranh giới không hợp lệ", "rule.too_small": "Diện tích quá nhỏ",
    "rule.too_large": "Diện tích quá lớn", "rule.missing_attribute": "Thiếu thông tin",
    "rule.unknown_crop": "Cây trồng không xác định", "rule.unknown_commune": "Xã không xác định",
    "rule.wrong_crs": "Sai hệ tọa độ", "feature": "Vùng số {n}",
    "rule.invalid_value": "Giá trị không hợp lệ", "rule.forbidden": "Không được phép",
    "op.edit": "Sửa", "op.delete": "Xoá", "op.history": "Lịch sử",
    "form.new": "Đăng ký vùng mới", "form.edit": "Sửa vùng trồng: {name}",
    "form.save": "Lưu bản nháp", "form.saveEdit": "Lưu thay đổi",
    "edit.hint": "Kéo các đỉnh của ranh giới trên bản đồ để sửa; nhấp vào cạnh để thêm đỉnh.",
    "edit.saved": "Đã lưu thay đổi của {name}.",
    "edit.stale": "Người khác đã sửa vùng trồng này sau khi bạn mở nó. Tải lại để xem bản mới (thay đổi của bạn sẽ mất).",
    "edit.reload": "Tải lại", "edit.gone": "Vùng trồng này không còn nữa (có thể đã bị xoá).",
    "delete.confirm": "Xoá bản nháp \"{name}\"? Không thể hoàn tác.",
    "delete.done": "Đã xoá {name}.", "delete.refusedNow": "Vùng trồng này không còn xoá được: hãy thu hồi mã thay vì xoá.",
    "delete.refused": "Không thể xoá vùng trồng {status}: hãy thu hồi mã thay vì xoá (mã được lưu lại và không bao giờ dùng lại).",
    "history.title": "Lịch sử: {name}", "history.empty": "Chưa có thay đổi nào được ghi lại.",
    "history.by": "{who}", "history.INSERT": "Tạo mới", "history.UPDATE": "Sửa", "history.DELETE": "Xoá",
    "history.boundary": "ranh giới đã thay đổi", "history.asOf": "Xem trạng thái vào ngày",
    "history.show": "Xem", "history.close": "Đóng", "history.asOfTitle": "Vùng trồng vào cuối ngày {day}:",
    "history.notYet": "Vùng trồng chưa tồn tại vào ngày {day}.", "empty": "(trống)",
    "field.name": "Tên", "field.crop": "Cây trồng", "field.variety": "Giống", "field.commune_code": "Xã",
    "field.address": "Địa chỉ", "field.cooperative_id": "Hợp tác xã", "field.owner_name": "Chủ vùng trồng",
    "field.owner_phone": "Điện thoại", "field.households_count": "Số hộ",
    "field.expected_output_tonnes": "Sản lượng dự kiến (tấn)", "field.certification": "Chứng nhận",
    "field.farming_diary": "Nhật ký canh tác", "field.residue_monitoring": "Giám sát dư lượng",
    "field.target_markets": "Thị trường", "field.status": "Trạng thái", "field.code": "Mã",
    "field.valid_from": "Hiệu lực từ", "field.valid_to": "Hiệu lực đến", "field.area_ha": "Diện tích (ha)",
    "field.status_note": "Ghi chú", "field.geom": "Ranh giới", "yes": "có", "no": "không",
  },
  en: {
    "login.failed": "Unknown user name or wrong password.", "login.wait": "Too many failed logins; try again later.",
    "draw.none": "No boundary drawn yet.", "draw.done": "Boundary drawn: {ha} ha.",
    "draw.need": "Draw the growing area's boundary on the map first.",
    "saved": "Draft {name} saved.", "saved.repaired": "The boundary was repaired: {note}.",
    "done": "{action}: {name} — {status}.", "code": "Code: {code}",
    "problems": "Not saved — please check:", "uploaded": "{n} growing areas uploaded.",
    "upload.crsNotes": "About the file's coordinate system (check where the areas are on the map):",
    "error": "Error: ", "confirm.revoke": "Revoke this growing area's code?",
    "rule.overlap": "Overlaps another area", "rule.outside_commune": "Outside the commune",
    "rule.geometry_invalid": "Invalid boundary", "rule.too_small": "Too small",
    "rule.too_large": "Too large", "rule.missing_attribute": "Missing information",
    "rule.unknown_crop": "Unknown crop", "rule.unknown_commune": "Unknown commune",
    "rule.wrong_crs": "Wrong coordinate system", "feature": "Feature {n}",
    "rule.invalid_value": "Invalid value", "rule.forbidden": "Not allowed",
    "op.edit": "Edit", "op.delete": "Delete", "op.history": "History",
    "form.new": "New area", "form.edit": "Edit growing area: {name}",
    "form.save": "Save draft", "form.saveEdit": "Save changes",
    "edit.hint": "Drag the boundary's corners on the map to change it; click an edge to add a corner.",
    "edit.saved": "Changes to {name} saved.",
    "edit.stale": "Someone else changed this growing area after you opened it. Reload it to see the new version (your changes will be lost).",
    "edit.reload": "Reload", "edit.gone": "This growing area no longer exists (it may have been deleted).",
    "delete.confirm": "Delete the draft \"{name}\"? This cannot be undone.",
    "delete.done": "{name} deleted.", "delete.refusedNow": "This growing area can no longer be deleted: revoke its code instead.",
    "delete.refused": "A {status} growing area cannot be deleted: revoke its code instead (the code stays on record and is never reused).",
    "history.title": "History: {name}", "history.empty": "No changes recorded yet.",
    "history.by": "{who}", "history.INSERT": "Created", "history.UPDATE": "Changed", "history.DELETE": "Deleted",
    "history.boundary": "boundary changed", "history.asOf": "Show the area as of",
    "history.show": "Show", "history.close": "Close", "history.asOfTitle": "The area at the end of {day}:",
    "history.notYet": "The area did not exist on {day}.", "empty": "(empty)",
    "field.name": "Name", "field.crop": "Crop", "field.variety": "Variety", "field.commune_code": "Commune",
    "field.address": "Address", "field.cooperative_id": "Cooperative", "field.owner_name": "Owner",
    "field.owner_phone": "Phone", "field.households_count": "Households",
    "field.expected_output_tonnes": "Expected output (tonnes)", "field.certification": "Certification",
    "field.farming_diary": "Farming diary", "field.residue_monitoring": "Residue monitoring",
    "field.target_markets": "Markets", "field.status": "Status", "field.code": "Code",
    "field.valid_from": "Valid from", "field.valid_to": "Valid to", "field.area_ha": "Area (ha)",
    "field.status_note": "Note", "field.geom": "Boundary", "yes": "yes", "no": "no",
  },
};

let current = "vi";

export function setLang(lang) { current = TEXT[lang] ? lang : "vi"; }

export function addWords(words) {
  for (const [lg, table] of Object.entries(words || {})) Object.assign(TEXT[lg] ??= {}, table);
}

export function lang() { return current; }

export function t(key, values = {}) {
  const text = (TEXT[current] && TEXT[current][key]) || TEXT.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (k in values ? String(values[k]) : `{${k}}`));
}

export function pick(pair) { return pair ? (pair[current] ?? pair.en ?? pair.vi) : ""; }
