// Words the staff page's script writes, in Vietnamese and English (the HTML is translated by
// the server template).

const TEXT = {
  vi: {
    "status.draft": "Nháp", "status.submitted": "Đã nộp", "status.inspected": "Đã thẩm định",
    "status.granted": "Đã cấp mã", "status.suspended": "Tạm dừng", "status.revoked": "Đã thu hồi",
    "status.expired": "Hết hạn",
    "action.submit": "Nộp hồ sơ", "action.inspect": "Thẩm định", "action.grant": "Cấp mã",
    "action.suspend": "Tạm dừng", "action.reinstate": "Khôi phục", "action.revoke": "Thu hồi",
    "action.renew": "Gia hạn",
    "cert.none": "Không", "cert.VietGAP": "VietGAP", "cert.GlobalGAP": "GlobalGAP", "cert.organic": "Hữu cơ",
    "login.failed": "Sai tên đăng nhập hoặc mật khẩu.", "login.wait": "Đăng nhập sai quá nhiều lần; thử lại sau.",
    "draw.none": "Chưa vẽ ranh giới.", "draw.done": "Đã vẽ ranh giới: {ha} ha.",
    "draw.need": "Hãy vẽ ranh giới vùng trồng trên bản đồ trước.",
    "saved": "Đã lưu bản nháp {name}.", "saved.repaired": "Ranh giới đã được tự sửa: {note}.",
    "done": "{action}: {name} — {status}.", "code": "Mã: {code}",
    "problems": "Không lưu được — kiểm tra lại:", "uploaded": "Đã tải lên {n} vùng trồng.",
    "error": "Lỗi: ", "confirm.revoke": "Thu hồi mã của vùng trồng này?",
    "rule.overlap": "Chồng lấn vùng khác", "rule.outside_commune": "Nằm ngoài xã",
    "rule.geometry_invalid": "Ranh giới không hợp lệ", "rule.too_small": "Diện tích quá nhỏ",
    "rule.too_large": "Diện tích quá lớn", "rule.missing_attribute": "Thiếu thông tin",
    "rule.unknown_crop": "Cây trồng không xác định", "rule.unknown_commune": "Xã không xác định",
    "rule.wrong_crs": "Sai hệ tọa độ", "feature": "Vùng số {n}",
  },
  en: {
    "status.draft": "Draft", "status.submitted": "Submitted", "status.inspected": "Inspected",
    "status.granted": "Granted", "status.suspended": "Suspended", "status.revoked": "Revoked",
    "status.expired": "Expired",
    "action.submit": "Submit", "action.inspect": "Inspect", "action.grant": "Grant",
    "action.suspend": "Suspend", "action.reinstate": "Reinstate", "action.revoke": "Revoke",
    "action.renew": "Renew",
    "cert.none": "None", "cert.VietGAP": "VietGAP", "cert.GlobalGAP": "GlobalGAP", "cert.organic": "Organic",
    "login.failed": "Unknown user name or wrong password.", "login.wait": "Too many failed logins; try again later.",
    "draw.none": "No boundary drawn yet.", "draw.done": "Boundary drawn: {ha} ha.",
    "draw.need": "Draw the growing area's boundary on the map first.",
    "saved": "Draft {name} saved.", "saved.repaired": "The boundary was repaired: {note}.",
    "done": "{action}: {name} — {status}.", "code": "Code: {code}",
    "problems": "Not saved — please check:", "uploaded": "{n} growing areas uploaded.",
    "error": "Error: ", "confirm.revoke": "Revoke this growing area's code?",
    "rule.overlap": "Overlaps another area", "rule.outside_commune": "Outside the commune",
    "rule.geometry_invalid": "Invalid boundary", "rule.too_small": "Too small",
    "rule.too_large": "Too large", "rule.missing_attribute": "Missing information",
    "rule.unknown_crop": "Unknown crop", "rule.unknown_commune": "Unknown commune",
    "rule.wrong_crs": "Wrong coordinate system", "feature": "Feature {n}",
  },
};

let current = "vi";

export function setLang(lang) { current = TEXT[lang] ? lang : "vi"; }

export function lang() { return current; }

export function t(key, values = {}) {
  const text = (TEXT[current] && TEXT[current][key]) || TEXT.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (k in values ? String(values[k]) : `{${k}}`));
}

export function pick(pair) { return pair ? (pair[current] ?? pair.en ?? pair.vi) : ""; }
