// The room's call: start it with camera and microphone, show the other side, hang up. The gateway's
// webrtc:call_state says who is in the call, so both sides see it before they join.
export function showCall(client, room, nameOf) {
  const start = document.querySelector('#call');
  const hangUp = document.querySelector('#hang-up');
  const state = document.querySelector('#call-state');
  const remote = document.querySelector('#remote-video');
  const inCall = document.querySelector('#in-call');
  let call = null;
  let localStream = null;

  const setState = (value) => {
    state.dataset.state = value;
    state.textContent = value;
  };
  const showUsers = (users) => {
    inCall.textContent = users.length ? users.map(nameOf).join(', ') : 'nobody';
  };
  client.chat(room).on('joined', (ack) => showUsers(ack.call?.users ?? []));
  client.on('webrtc:call_state', (frame) => frame.room === room && showUsers(frame.data.users));

  start.addEventListener('click', async () => {
    start.disabled = true;
    localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    call = client.call(room, { localStream });
    call.on('stream', ({ stream }) => { remote.srcObject = stream; });
    call.on('connectionstatechange', ({ connectionState }) => setState(connectionState));
    call.on('peerleft', () => { remote.srcObject = null; setState('waiting'); });
    setState('waiting');
    hangUp.disabled = false;
    try {
      await call.ready;
    } catch (error) {
      setState(`failed: ${error.code ?? error.message}`);
    }
  });

  hangUp.addEventListener('click', async () => {
    hangUp.disabled = true;
    await call?.leave();
    localStream?.getTracks().forEach((track) => track.stop());
    call = null;
    remote.srcObject = null;
    setState('idle');
    start.disabled = false;
  });
}
