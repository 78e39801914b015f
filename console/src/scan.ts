import { h } from './dom.js';
import { t } from './i18n.js';

/** jsQR (Apache-2.0), served by the gateway from its own build: /console/vendor/jsQR.js. */
type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: string }) => { data: string } | null;

declare global {
  interface Window {
    jsQR?: JsQr;
  }
}

let decoder: Promise<JsQr> | undefined;

/** The cameras the readers have on, to turn them all off when the screen is cleared. */
const running = new Set<() => void>();

/** Turns off every camera a reader has on (the clerk's "next customer"). */
export function stopAllScanners(): void {
  for (const stop of [...running]) stop();
}

/** Loads the QR decoder the first time a code is to be read (a script of the gateway's own; the CSP allows nothing else). */
function loadDecoder(): Promise<JsQr> {
  decoder ??= new Promise<JsQr>((resolve, reject) => {
    if (window.jsQR) return resolve(window.jsQR);
    const script = document.createElement('script');
    script.src = '/console/vendor/jsQR.js';
    script.onload = () => (window.jsQR ? resolve(window.jsQR) : reject(new Error('jsQR did not load')));
    script.onerror = () => {
      decoder = undefined;
      reject(new Error('jsQR did not load'));
    };
    document.head.append(script);
  });
  return decoder;
}

/** The text of the QR code in an image or video frame, or null when none is found. */
async function decode(source: CanvasImageSource, width: number, height: number): Promise<string | null> {
  const jsQR = await loadDecoder();
  // Large photos are scaled down: a QR code needs far fewer pixels, and decoding is quadratic in them.
  const scale = Math.min(1, 1024 / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return null;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}

/**
 * Controls that read a QR code: "Scan with the camera" (live, until a code is seen or Stop) and "Read
 * from a photo" (an image file; on a phone the file picker offers the camera). A hand-held scanner
 * needs neither: it types into whatever field has the focus. `onText` gets the code's text.
 */
export function qrReader(id: string, onText: (text: string) => void): HTMLElement {
  const message = h('span', { class: 'hint', role: 'status', id: `${id}-status` });
  const video = h('video', { class: 'scanner', muted: true, playsinline: true, hidden: true, 'aria-label': t('cameraView') });
  const camera = h('button', { type: 'button', class: 'secondary', id: `${id}-camera` }, t('scanCamera'));
  const stop = h('button', { type: 'button', class: 'secondary', hidden: true }, t('stopScan'));
  const file = h('input', { type: 'file', accept: 'image/*', capture: 'environment', id: `${id}-file`, class: 'file' });
  let stream: MediaStream | null = null;

  const finish = () => {
    running.delete(finish);
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    stop.hidden = true;
  };
  const found = (text: string) => {
    finish();
    message.textContent = t('qrRead');
    message.className = 'hint ok';
    onText(text);
  };
  const failed = (key: 'noCamera' | 'noQrFound') => {
    message.textContent = t(key);
    message.className = 'hint bad';
  };

  camera.addEventListener('click', async () => {
    if (!navigator.mediaDevices?.getUserMedia) return failed('noCamera');
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch {
      return failed('noCamera');
    }
    running.add(finish);
    video.srcObject = stream;
    video.hidden = false;
    stop.hidden = false;
    message.textContent = t('scanning');
    message.className = 'hint';
    await video.play().catch(() => undefined);
    const tick = async () => {
      if (!stream) return;
      if (video.videoWidth > 0) {
        const text = await decode(video, video.videoWidth, video.videoHeight).catch(() => null);
        if (text) return found(text);
      }
      setTimeout(() => void tick(), 150);
    };
    void tick();
  });
  stop.addEventListener('click', () => {
    finish();
    message.textContent = '';
  });
  file.addEventListener('change', async () => {
    const picked = file.files?.[0];
    file.value = '';
    if (!picked) return;
    try {
      const bitmap = await createImageBitmap(picked);
      const text = await decode(bitmap, bitmap.width, bitmap.height);
      bitmap.close();
      if (text) found(text);
      else failed('noQrFound');
    } catch {
      failed('noQrFound');
    }
  });
  return h('div', { class: 'qr-reader' }, camera, h('label', { for: `${id}-file`, class: 'file-label' }, t('scanPhoto'), file), stop, message, video);
}
