// Sign in with Firebase in the browser (the Auth emulator in development), then swap the fresh ID token
// for the console's session cookie. The server never sees the password.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("sign-in");
  const error = form.querySelector(".error");
  firebase.initializeApp({ apiKey: form.dataset.apiKey, projectId: form.dataset.projectId });
  const auth = firebase.auth();
  if (form.dataset.emulator) {
    auth.useEmulator(form.dataset.emulator, { disableWarnings: true });
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      const signedIn = await auth.signInWithEmailAndPassword(form.email.value, form.password.value);
      const idToken = await signedIn.user.getIdToken();
      const response = await fetch("/console/session", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content,
        },
        body: JSON.stringify({ id_token: idToken }),
      });
      // The console keeps its own session: Firebase's in the browser is not needed any more.
      await auth.signOut();
      if (!response.ok) {
        error.textContent = error.dataset.refused;
        error.hidden = false;
        return;
      }
      window.location.assign("/console");
    } catch (failure) {
      error.textContent = error.dataset.failed;
      error.hidden = false;
    }
  });
});
